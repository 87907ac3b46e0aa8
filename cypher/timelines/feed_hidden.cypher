// Title: which of $ids the author wrote and the viewer's home feed may no longer show for the post's audience: what leaving an audience (a close-friends list, a mutual follow) takes out of the viewer's timeline
// Blocks: ids for Redis structures only; every read filters them through posts/viewer_state
// The negation of the audience guard and of the feed's rule for followers of at least N days
// (feed/home); posts for everyone are never hidden here.
/* :params {viewer_id: "01hzy0000000000000000000aa", author_id: "01hzy0000000000000000000bb", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id}), (a:User {id: $author_id})
UNWIND $ids AS post_id
MATCH (a)-[:POSTED]->(p:Post {id: post_id})
WHERE p.audience IS NOT NULL AND p.audience <> 'everyone'
  AND NOT ((p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  AND (a = v OR p.audience IS NULL OR p.audience <> 'followers_for_days'
       OR EXISTS { (v)-[fw:FOLLOWS]->(a) WHERE fw.since <= p.created_at - duration({days: coalesce(p.audience_days, 0)}) }))
RETURN p.id AS id
