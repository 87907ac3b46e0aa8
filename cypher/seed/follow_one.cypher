// Title: one FOLLOWS relationship per statement (the benchmark's row-at-a-time baseline)
/* :params {a: "01hzy0000000000000000000aa", b: "01hzy0000000000000000000bb", id: "01hzy0000000000000000000cc", ts: 1700000000000} */
MATCH (a:User {id: $a}), (b:User {id: $b})
CREATE (a)-[:FOLLOWS {id: $id, since: datetime({epochMillis: $ts})}]->(b)
