// Title: what a Mastodon Status needs beyond a post view: the author's Account (counts from the degree store), mentioned accounts with ids, media descriptions, whether the viewer bookmarked it
// Posts by someone in a block with the viewer or for an audience the viewer is outside of, and
// mentions of people in a block with the viewer, are left out.
// post_count: the author's posts, less those for an audience the viewer is not in (counted
// from the author's kept per-audience counts, posts/create_post): close friends' posts unless
// on the list, mutuals' unless mutual, followers-for-days posts for the author alone.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS post_id
MATCH (a:User)-[:POSTED]->(p:Post {id: post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
RETURN p.id AS id,
       a {.id, .username, .display_name, .bio, .private, created_at: toString(a.created_at),
          pictures: COLLECT { MATCH (a)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} },
          post_count: COUNT { (a)-[:POSTED]->() } - CASE WHEN a = v THEN 0 ELSE coalesce(a.posts_followers_for_days, 0)
         + CASE WHEN coalesce(a.posts_close_friends, 0) = 0 OR EXISTS { (a)-[:CLOSE_FRIEND]->(v) } THEN 0 ELSE a.posts_close_friends END
         + CASE WHEN coalesce(a.posts_mutuals, 0) = 0 OR (EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) }) THEN 0 ELSE a.posts_mutuals END END,
          follower_count: COUNT { (a)<-[:FOLLOWS]-() },
          following_count: COUNT { (a)-[:FOLLOWS]->() }} AS account,
       COLLECT {
         MATCH (p)-[:MENTIONS]->(m:User) WHERE NOT EXISTS { (v)-[:BLOCKS]-(m) } AND m.suspended_at IS NULL
         RETURN m {.id, .username} ORDER BY m.username
       } AS mentions,
       COLLECT {
         MATCH (p)-[:HAS_MEDIA]->(m:Media) WHERE m.description IS NOT NULL
         RETURN [m.id, m.description]
       } AS descriptions,
       EXISTS { (v)-[:SAVED]->(p) } AS bookmarked
