// Title: seed a batch of TAGGED relationships
// Rows are lists [post id, hashtag name].
/* :params {rows: [["01hzy0000000000000000000pp", "demo"]]} */
UNWIND $rows AS r
MATCH (p:Post {id: r[0]}), (h:Hashtag {name: r[1]})
CREATE (p)-[:TAGGED {tag: r[1], post: r[0]}]->(h)
