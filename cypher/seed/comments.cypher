// Title: seed a batch of comments (replies are linked afterwards by seed/replies)
/* :params {rows: [{id: "01hzy0000000000000000000c1", user: "01hzy0000000000000000000bb", post: "01hzy0000000000000000000pp", text: "nice", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (u:User {id: r.user}), (p:Post {id: r.post})
CREATE (u)-[:WROTE]->(:Comment {id: r.id, text: r.text, created_at: datetime({epochMillis: r.ts})})-[:ON]->(p)
