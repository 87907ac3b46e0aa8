// Title: seed a batch of comments (replies are linked afterwards by seed/replies)
// Rows are lists [comment id, author id, post id, text, epoch millis].
/* :params {rows: [["01hzy0000000000000000000c1", "01hzy0000000000000000000bb", "01hzy0000000000000000000pp", "nice", 1700000000000]]} */
UNWIND $rows AS r
MATCH (u:User {id: r[1]}), (p:Post {id: r[2]})
CREATE (u)-[:WROTE]->(:Comment {
  id: r[0], text: r[3], created_at: datetime({epochMillis: r[4]}), post: r[2], post_owner: r[5],
  reply_owner: r[6]
})-[:ON]->(p)
