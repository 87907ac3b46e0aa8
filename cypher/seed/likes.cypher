// Title: seed a batch of likes
/* :params {rows: [{user: "01hzy0000000000000000000bb", post: "01hzy0000000000000000000pp", id: "01hzy0000000000000000000ll", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (u:User {id: r.user}), (p:Post {id: r.post})
CREATE (u)-[:LIKES {id: r.id, at: datetime({epochMillis: r.ts})}]->(p)
