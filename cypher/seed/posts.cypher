// Title: seed a batch of posts with their authors
// Rows are lists [post id, author id, caption, epoch millis].
/* :params {rows: [["01hzy0000000000000000000pp", "01hzy0000000000000000000aa", "hello #demo", 1700000000000]]} */
UNWIND $rows AS r
MATCH (u:User {id: r[1]})
CREATE (u)-[:POSTED]->(:Post {id: r[0], caption: r[2], created_at: datetime({epochMillis: r[3]}), author: r[1]})
