// Title: popular accounts, sampled: the accounts followed most recently, ranked by follower count (suggestions fallback)
// Bounded whatever the graph's size: the newest $sample follows of the whole graph (an ordered
// seek on follows_id), their distinct followees ranked by followers (degree store), and the
// checks (not the viewer, public, not followed or requested yet, no block either way) in rank
// order until the page is full; avatars (`pictures`) for the page's accounts only. Served when the precomputed popular list
// (discovery/popular_refresh, kept in Redis) is missing or runs short for this viewer.
/* :params {viewer_id: "01hzy0000000000000000000aa", sample: 1000, limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL () {
  MATCH ()-[r:FOLLOWS]->(c:User) WHERE r.id < "~"
  WITH r, c ORDER BY r.id DESC
  RETURN c LIMIT $sample
}
WITH DISTINCT v, c
WHERE c <> v AND NOT c.private
WITH v, c, COUNT { (c)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC, c.username
WHERE NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = c.id }
  AND NOT EXISTS { (v)-[:REQUESTED]->(c) }
  AND NOT EXISTS { (v)-[:BLOCKS]-(c) } AND c.suspended_at IS NULL AND c.limited_at IS NULL
WITH c, followers LIMIT $limit
RETURN c.id AS id, c.username AS username, c.display_name AS display_name, c.private AS private,
       followers, COLLECT { MATCH (c)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
ORDER BY followers DESC, username
