// Title: data migration: name the endpoints on relationships and nodes that ordered page indexes need
// Blocks: maintenance, returns no content
// Graphs written before these properties existed get them once, in batches; a graph that has them
// matches nothing. Run by graph.schema.apply_schema after the indexes (auto-commit transactions).
MATCH (a:User)-[r:FOLLOWS]->(b:User) WHERE r.followee IS NULL
CALL (a, r, b) { SET r.follower = a.id, r.followee = b.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (a:User)-[r:REQUESTED]->(b:User) WHERE r.target IS NULL
CALL (a, r, b) { SET r.requester = a.id, r.target = b.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (a:User)-[:POSTED]->(p:Post)<-[r:LIKES]-() WHERE r.post IS NULL
CALL (a, r, p) { SET r.post = p.id, r.owner = a.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (a:User)-[:POSTED]->(p:Post) WHERE p.author IS NULL
CALL (a, p) { SET p.author = a.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (p:Post)-[r:TAGGED]->(h:Hashtag) WHERE r.tag IS NULL
CALL (p, r, h) { SET r.tag = h.name, r.post = p.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (p:Post)-[r:MENTIONS]->(m:User) WHERE r.user IS NULL
CALL (p, r, m) { SET r.user = m.id, r.post = p.id } IN TRANSACTIONS OF 20000 ROWS;
MATCH (a:User)-[:POSTED]->(p:Post)<-[:ON]-(c:Comment) WHERE c.post IS NULL
OPTIONAL MATCH (c)-[:REPLY_TO]->(:Comment)<-[:WROTE]-(w:User)
CALL (a, p, c, w) { SET c.post = p.id, c.post_owner = a.id, c.reply_owner = w.id }
  IN TRANSACTIONS OF 20000 ROWS
