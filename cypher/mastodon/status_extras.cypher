// Title: what a Mastodon Status needs beyond a post view: the author's Account (counts from the degree store), mentioned accounts with ids, media descriptions, whether the viewer bookmarked it
// Posts by someone in a block with the viewer or for an audience the viewer is outside of, and
// mentions of people in a block with the viewer, are left out.
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
          post_count: COUNT { (a)-[:POSTED]->() },
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
