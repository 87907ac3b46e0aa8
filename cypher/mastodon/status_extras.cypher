// Title: what a Mastodon Status needs beyond a post view: the author's Account (counts from the degree store), mentioned accounts with ids, media descriptions, whether the viewer bookmarked it
// Posts by someone in a block with the viewer, and mentions of such people, are left out.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS post_id
MATCH (a:User)-[:POSTED]->(p:Post {id: post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
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
