// Title: comments as Mastodon Statuses (a reply is a comment): text, the post or comment it answers and that one's author, the author's Account, reply count; only those the viewer may see
// Visible means: the post's author is public, the viewer, or followed, and neither the post's
// author nor the comment's author is in a block with the viewer, and the viewer is in the post's
// audience. Counts read the degree store.
// post_count: the author's posts, less those for an audience the viewer is not in (counted
// from the author's kept per-audience counts, posts/create_post): close friends' posts unless
// on the list, mutuals' unless mutual, followers-for-days posts for the author alone.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000c1"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS comment_id
MATCH (w:User)-[:WROTE]->(c:Comment {id: comment_id})-[:ON]->(p:Post)<-[:POSTED]-(a:User)
WHERE NOT EXISTS { (v)-[:BLOCKS]-(w) } AND w.suspended_at IS NULL AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
OPTIONAL MATCH (c)-[:REPLY_TO]->(parent:Comment)<-[:WROTE]-(pw:User)
RETURN c.id AS id, c.text AS text, toString(c.created_at) AS created_at, p.id AS post_id,
       a.private AS private, coalesce(parent.id, p.id) AS in_reply_to_id,
       coalesce(pw.id, a.id) AS in_reply_to_account_id, w = v OR a = v AS deletable,
       COUNT { (c)<-[:REPLY_TO]-() } AS replies_count,
       w {.id, .username, .display_name, .bio, .private, created_at: toString(w.created_at),
          pictures: COLLECT { MATCH (w)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} },
          post_count: COUNT { (w)-[:POSTED]->() } - CASE WHEN w = v THEN 0 ELSE coalesce(w.posts_followers_for_days, 0)
         + CASE WHEN coalesce(w.posts_close_friends, 0) = 0 OR EXISTS { (w)-[:CLOSE_FRIEND]->(v) } THEN 0 ELSE w.posts_close_friends END
         + CASE WHEN coalesce(w.posts_mutuals, 0) = 0 OR (EXISTS { (w)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(w) }) THEN 0 ELSE w.posts_mutuals END END,
          follower_count: COUNT { (w)<-[:FOLLOWS]-() },
          following_count: COUNT { (w)-[:FOLLOWS]->() }} AS account
