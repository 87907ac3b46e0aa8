// Title: seed a batch of TAGGED relationships
/* :params {rows: [{post: "01hzy0000000000000000000pp", tag: "demo"}]} */
UNWIND $rows AS r
MATCH (p:Post {id: r.post}), (h:Hashtag {name: r.tag})
CREATE (p)-[:TAGGED]->(h)
