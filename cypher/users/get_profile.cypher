// Title: a user's profile with counts and its relationship to the viewer; nothing across a block
// Counts read the degree store (no label on the far node plans as GetDegree): O(1) per count.
// post_count: the author's posts, less those for an audience the viewer is not in (counted
// from the author's kept per-audience counts, posts/create_post): close friends' posts unless
// on the list, mutuals' unless mutual, followers-for-days posts for the author alone.
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, toString(u.created_at) AS created_at,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       COUNT { (u)-[:POSTED]->() } - CASE WHEN u = v THEN 0 ELSE coalesce(u.posts_followers_for_days, 0)
         + CASE WHEN coalesce(u.posts_close_friends, 0) = 0 OR EXISTS { (u)-[:CLOSE_FRIEND]->(v) } THEN 0 ELSE u.posts_close_friends END
         + CASE WHEN coalesce(u.posts_mutuals, 0) = 0 OR (EXISTS { (u)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(u) }) THEN 0 ELSE u.posts_mutuals END END AS post_count,
       COUNT { (u)<-[:FOLLOWS]-() } AS follower_count,
       COUNT { (u)-[:FOLLOWS]->() } AS following_count,
       EXISTS { (v)-[:FOLLOWS]->(u) } AS following,
       EXISTS { (u)-[:FOLLOWS]->(v) } AS followed_by,
       EXISTS { (v)-[:REQUESTED]->(u) } AS requested,
       EXISTS { (v)-[:BLOCKS]->(u) } AS blocking,
       EXISTS { (v)-[m:MUTES]->(u) WHERE m.until IS NULL OR m.until > datetime() } AS muting
