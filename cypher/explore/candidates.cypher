// Title: Explore for a viewer, sampled: public posts the viewer's newest followees liked, from accounts the viewer does not follow, ranked by how many of those followees liked each, then newest first, with up to 3 of them by name
// Off the request path (api/discovery/explore.py keeps the list in Redis): the viewer's newest
// $followees follows (an ordered seek on follows_follower), each one's newest $per_followee likes,
// so at most followees × per_followee candidates are ranked. Nothing by the viewer, an account
// the viewer follows, a private account, one in a block with the viewer or one the viewer mutes,
// nor a post for an audience the viewer is outside of.
/* :params {viewer_id: "01hzy0000000000000000000aa", followees: 50, per_followee: 20, limit: 200} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  MATCH ()-[r:FOLLOWS]->(f:User) USING INDEX SEEK r:FOLLOWS(follower, id)
  WHERE r.follower = $viewer_id AND r.id < "~"
  WITH r, f ORDER BY r.follower DESC, r.id DESC
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) } AND f.suspended_at IS NULL
  RETURN f LIMIT $followees
}
CALL (f) {
  MATCH (f)-[l:LIKES]->(p:Post)
  WITH l, p ORDER BY l.id DESC
  RETURN p LIMIT $per_followee
}
MATCH (a:User)-[:POSTED]->(p)
WHERE a <> v AND a.private = false
  AND NOT EXISTS { (v)-[:FOLLOWS]->(a) }
  AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[fl:FOLLOWS]->(a) WHERE fl.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
WITH p, f ORDER BY f.username
WITH p, collect(f.username) AS likers
ORDER BY size(likers) DESC, p.id DESC
LIMIT $limit
RETURN p.id AS id, size(likers) AS liked_by, likers[0..3] AS names
