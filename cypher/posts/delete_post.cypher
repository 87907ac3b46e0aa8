// Title: delete the viewer's post with its comments and links; returns media no post uses any more
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
// Lock the post before reading what hangs on it: a comment or like being written waits, and
// is then seen and removed here (or fails because the post is gone).
MATCH (:User {id: $viewer_id})-[:POSTED]->(p:Post {id: $post_id})
SET p.lock_ = true
REMOVE p.lock_
WITH p, COLLECT { MATCH (p)-[:HAS_MEDIA]->(m:Media) RETURN m } AS media
CALL (p) {
  MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c
}
DETACH DELETE p
WITH media
RETURN [m IN media WHERE NOT EXISTS { ()-[:HAS_MEDIA]->(m) } | m.id] AS released_media
