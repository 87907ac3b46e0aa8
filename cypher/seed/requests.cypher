// Title: seed a batch of pending follow requests
// Rows are lists [requester id, requested id, relationship id, epoch millis].
/* :params {rows: [["01hzy0000000000000000000aa", "01hzy0000000000000000000bb", "01hzy0000000000000000000cc", 1700000000000]]} */
UNWIND $rows AS r
MATCH (a:User {id: r[0]}), (b:User {id: r[1]})
CREATE (a)-[:REQUESTED {id: r[2], at: datetime({epochMillis: r[3]}), requester: r[0], target: r[1]}]->(b)
