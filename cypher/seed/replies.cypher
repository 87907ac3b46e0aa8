// Title: seed a batch of REPLY_TO relationships between comments
/* :params {rows: [{id: "01hzy0000000000000000000c2", parent: "01hzy0000000000000000000c1"}]} */
UNWIND $rows AS r
MATCH (c:Comment {id: r.id}), (parent:Comment {id: r.parent})
CREATE (c)-[:REPLY_TO]->(parent)
