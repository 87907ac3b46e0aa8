// Title: seed a batch of MENTIONS relationships
// Rows are lists [post id, mentioned user id, epoch millis].
/* :params {rows: [["01hzy0000000000000000000pp", "01hzy0000000000000000000bb", 1700000000000]]} */
UNWIND $rows AS r
MATCH (p:Post {id: r[0]}), (u:User {id: r[1]})
CREATE (p)-[:MENTIONS {at: datetime({epochMillis: r[2]}), user: r[1], post: r[0]}]->(u)
