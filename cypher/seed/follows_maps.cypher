// Title: seed a batch of FOLLOWS relationships from map rows (the loader before issue 13; the benchmark's "today" row)
/* :params {rows: [{a: "01hzy0000000000000000000aa", b: "01hzy0000000000000000000bb", id: "01hzy0000000000000000000cc", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (a:User {id: r.a}), (b:User {id: r.b})
CREATE (a)-[:FOLLOWS {id: r.id, since: datetime({epochMillis: r.ts})}]->(b)
