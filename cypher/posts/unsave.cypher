// Title: take a post out of the viewer's saved posts; idempotent
// The post is locked first (as posts/save does); the saved relationship is found between its two
// ends by Expand(Into).
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id}), (p:Post {id: $post_id})
SET p.lock_ = true
REMOVE p.lock_
WITH v, p
MATCH (v)-[s:SAVED]->(p)
DELETE s
