// Title: trending hashtags in the viewer's network over the last day: the tags on the newest posts of the viewer and their newest followees since $since, with how many of those posts and accounts used each
// Bounded whatever the degrees: the viewer's newest $followees follows (an ordered seek on
// follows_follower) and the viewer, each one's posts since $since (an ordered seek on
// post_author, at most $per_author each). Only posts the viewer may see are counted (their own,
// and those of accounts they follow, private or not), none by an account in a block with the
// viewer or muted by them, nor any the viewer is outside the audience of. Computed off the
// request path (api/discovery/explore.py).
/* :params {viewer_id: "01hzy0000000000000000000aa", since: "01hzy0000000000000000000aa", followees: 200, per_author: 50, limit: 10} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  MATCH ()-[r:FOLLOWS]->(f:User) USING INDEX SEEK r:FOLLOWS(follower, id)
  WHERE r.follower = $viewer_id AND r.id < "~"
  WITH r, f ORDER BY r.follower DESC, r.id DESC
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) } AND f.suspended_at IS NULL
    AND NOT EXISTS { (v)-[m:MUTES]->(f) WHERE m.until IS NULL OR m.until > datetime() }
  RETURN f LIMIT $followees
  UNION
  RETURN v AS f
}
CALL (f) {
  MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = f.id AND p.id > $since
  WITH p ORDER BY p.author DESC, p.id DESC
  RETURN p LIMIT $per_author
}
WITH v, f, p
WHERE (p.audience IS NULL OR p.audience = 'everyone' OR f = v
 OR (p.audience = 'close_friends' AND EXISTS { (f)-[:CLOSE_FRIEND]->(v) })
 OR (p.audience = 'mutuals' AND EXISTS { (f)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(f) })
 OR (p.audience = 'followers_for_days'
     AND EXISTS { (v)-[fl:FOLLOWS]->(f) WHERE fl.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
MATCH (p)-[:TAGGED]->(h:Hashtag)
WITH h, count(DISTINCT p) AS uses, count(DISTINCT f) AS accounts
ORDER BY uses DESC, accounts DESC, h.name
LIMIT $limit
RETURN h.name AS name, uses, accounts
