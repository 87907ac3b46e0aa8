// Title: seed a batch of MENTIONS relationships
/* :params {rows: [{post: "01hzy0000000000000000000pp", user: "01hzy0000000000000000000bb", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (p:Post {id: r.post}), (u:User {id: r.user})
CREATE (p)-[:MENTIONS {at: datetime({epochMillis: r.ts})}]->(u)
