// Title: seed a batch of likes
// Rows are lists [user id, post id, relationship id, epoch millis].
/* :params {rows: [["01hzy0000000000000000000bb", "01hzy0000000000000000000pp", "01hzy0000000000000000000ll", 1700000000000]]} */
UNWIND $rows AS r
MATCH (u:User {id: r[0]}), (p:Post {id: r[1]})
CREATE (u)-[:LIKES {id: r[2], at: datetime({epochMillis: r[3]}), post: r[1], owner: r[4]}]->(p)
