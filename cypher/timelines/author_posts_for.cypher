// Title: an author's newest post ids (from $since on, when given) that the viewer's home feed shows: what a follow, or joining an audience, adds to the viewer's timeline
// Blocks: ids for Redis structures only; every read filters them through posts/viewer_state
// The audience guard, and the feed's rule for followers of at least N days (feed/home): the
// viewer had followed the author for N days when the post was made.
/* :params {viewer_id: "01hzy0000000000000000000aa", author_id: "01hzy0000000000000000000bb", since: null, limit: 400} */
MATCH (v:User {id: $viewer_id}), (a:User {id: $author_id})-[:POSTED]->(p:Post)
WHERE ($since IS NULL OR p.id >= $since)
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  AND (a = v OR p.audience IS NULL OR p.audience <> 'followers_for_days'
       OR EXISTS { (v)-[fw:FOLLOWS]->(a) WHERE fw.since <= p.created_at - duration({days: coalesce(p.audience_days, 0)}) })
RETURN p.id AS id
ORDER BY p.id DESC
LIMIT $limit
