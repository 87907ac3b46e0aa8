// Title: remove the viewer's like from a post; idempotent
// The post is locked first (as posts/like does); the like is then found between its two ends by
// Expand(Into), which walks the side with fewer likes, never every like of a popular post. The
// post's like group moves back to the newest remaining like from someone other than the author:
// one ordered seek on likes_post (post, id). With none left, `last_like` goes, and the group.
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id}), (p:Post {id: $post_id})
SET p.lock_ = true
REMOVE p.lock_
WITH v, p
MATCH (v)-[l:LIKES]->(p)
WITH v, p, l, l.id AS gone
DELETE l
WITH v, p, gone
CALL (v, p) {
  WITH * WHERE v.id = p.author
  REMOVE p.liked_by_author
}
CALL (p, gone) {
  WITH * WHERE p.last_like = gone
  OPTIONAL CALL (p, gone) {
    MATCH (u:User)-[r:LIKES]->() USING INDEX SEEK r:LIKES(post, id) WHERE r.post = p.id AND r.id < gone
    WITH u, r ORDER BY r.post DESC, r.id DESC
    WHERE u.id <> p.author
    RETURN r LIMIT 1
  }
  SET p.last_like = r.id, p.last_like_at = r.at
}
