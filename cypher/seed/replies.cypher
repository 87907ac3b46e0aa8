// Title: seed a batch of REPLY_TO relationships between comments
// Rows are lists [reply id, parent comment id].
/* :params {rows: [["01hzy0000000000000000000c2", "01hzy0000000000000000000c1"]]} */
UNWIND $rows AS r
MATCH (c:Comment {id: r[0]}), (parent:Comment {id: r[1]})
CREATE (c)-[:REPLY_TO]->(parent)
