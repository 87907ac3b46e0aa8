// Title: seed a batch of FOLLOWS relationships without properties (the benchmark's ceiling: what the properties and their four indexes cost; never a graph's data)
// Rows are lists [follower id, followed id, relationship id, epoch millis].
/* :params {rows: [["01hzy0000000000000000000aa", "01hzy0000000000000000000bb", "01hzy0000000000000000000cc", 1700000000000]]} */
UNWIND $rows AS r
MATCH (a:User {id: r[0]}), (b:User {id: r[1]})
CREATE (a)-[:FOLLOWS]->(b)
