// Title: delete the viewer's post with its comments, earlier versions and links; returns media no post uses any more
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
// Lock the post before reading what hangs on it: a comment or like being written waits, and
// is then seen and removed here (or fails because the post is gone).
// The author is locked before the post, as posts/edit_post does (per-tag public post counts and
// the author's USES_TAG counts, which leave out posts for a narrower audience than everyone) and
// the author's per-audience post counts (posts/create_post).
MATCH (a:User {id: $viewer_id})-[:POSTED]->(p:Post {id: $post_id})
SET a.lock_ = true
REMOVE a.lock_
SET p.lock_ = true
REMOVE p.lock_
SET a.posts_close_friends = coalesce(a.posts_close_friends, 0) - CASE WHEN p.audience = "close_friends" THEN 1 ELSE 0 END,
    a.posts_mutuals = coalesce(a.posts_mutuals, 0) - CASE WHEN p.audience = "mutuals" THEN 1 ELSE 0 END,
    a.posts_followers_for_days = coalesce(a.posts_followers_for_days, 0) - CASE WHEN p.audience = "followers_for_days" THEN 1 ELSE 0 END
WITH a, p, COLLECT { MATCH (p)-[:HAS_MEDIA]->(m:Media) RETURN m } AS media
CALL (p) {
  MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c
}
CALL (p) {
  MATCH (p)-[:HAS_EDIT]->(e:PostEdit)
  DETACH DELETE e
}
CALL (a, p) {
  MATCH (p)-[:TAGGED]->(h:Hashtag)
  SET h.public_posts = coalesce(h.public_posts, 0) - CASE WHEN a.private OR NOT coalesce(p.audience, "everyone") = "everyone" THEN 0 ELSE 1 END
  WITH a, p, h WHERE coalesce(p.audience, "everyone") = "everyone"
  MATCH (a)-[u:USES_TAG]->(h)
  SET u.posts = u.posts - 1
  WITH u WHERE u.posts <= 0
  DELETE u
}
DETACH DELETE p
WITH media
RETURN [m IN media WHERE NOT EXISTS { ()-[:HAS_MEDIA]->(m) } | m.id] AS released_media
