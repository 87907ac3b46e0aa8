// Title: delete the viewer's post with its comments and links; returns media no post uses any more
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (:User {id: $viewer_id})-[:POSTED]->(p:Post {id: $post_id})
WITH p, COLLECT { MATCH (p)-[:HAS_MEDIA]->(m:Media) RETURN m } AS media
CALL (p) {
  MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c
}
DETACH DELETE p
WITH media
RETURN [m IN media WHERE NOT EXISTS { ()-[:HAS_MEDIA]->(m) } | m.id] AS released_media
