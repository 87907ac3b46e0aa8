// Title: seed a batch of blocks
/* :params {rows: [{a: "01hzy0000000000000000000aa", b: "01hzy0000000000000000000bb", id: "01hzy0000000000000000000cc", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (a:User {id: r.a}), (b:User {id: r.b})
CREATE (a)-[:BLOCKS {id: r.id, since: datetime({epochMillis: r.ts})}]->(b)
