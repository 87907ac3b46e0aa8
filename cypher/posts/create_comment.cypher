// Title: comment on a post, optionally replying to a comment on the same post; returns the comment
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", id: "01hzy0000000000000000000c1", text: "nice", reply_to: null} */
// `post`, `post_owner` and `reply_owner` name the endpoints, so a post's comments and a user's
// comment notifications are ordered index seeks (cypher/schema/indexes.cypher).
// The author, the post and the replied-to comment are locked first, as their deletions lock them: a
// concurrent delete either comes first (this write then fails: the post is gone) or waits, and
// then sees and removes this comment too. No comment is ever left without its post or parent.
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED]->(p:Post {id: $post_id})
CALL (v, p) {
  UNWIND [v, p] AS n
  SET n.lock_ = true
  REMOVE n.lock_
}
OPTIONAL MATCH (w:User)-[:WROTE]->(parent:Comment {id: $reply_to})-[:ON]->(p)
CALL (parent) {
  WITH parent WHERE parent IS NOT NULL
  SET parent.lock_ = true
  REMOVE parent.lock_
}
WITH v, a, p, w, parent
WHERE $reply_to IS NULL OR parent IS NOT NULL
CREATE (v)-[:WROTE]->(c:Comment {
  id: $id, text: $text, created_at: datetime(), post: p.id,
  // who it notifies: nobody when you comment on your own post or reply to yourself
  post_owner: CASE WHEN a <> v THEN a.id END, reply_owner: CASE WHEN w <> v THEN w.id END
})-[:ON]->(p)
WITH v, a, c, parent
// A comment on a followed author's post counts toward the commenter's interactions with them:
// the story tray orders rings by it (stories/tray).
CALL (v, a) {
  WITH * WHERE v <> a
  MATCH (v)-[fo:FOLLOWS]->(a)
  SET fo.interactions = coalesce(fo.interactions, 0) + 1
}
WITH v, c, parent
CALL (c, parent) {
  WITH c, parent WHERE parent IS NOT NULL
  MERGE (c)-[:REPLY_TO]->(parent)
}
RETURN c.id AS id, c.text AS text, toString(c.created_at) AS created_at, $reply_to AS reply_to,
       {id: v.id, username: v.username, display_name: v.display_name,
        pictures: COLLECT { MATCH (v)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }} AS author
