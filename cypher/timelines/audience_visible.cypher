// Title: which of $ids (posts for a narrower audience than everyone, still in flight) the viewer's home feed may show: the author is the viewer, or followed and not muted, and the viewer is in the post's audience
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS post_id
MATCH (a:User)-[:POSTED]->(p:Post {id: post_id})
WHERE (a = v OR EXISTS { (v)-[:FOLLOWS]->(a) }) AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  AND (a = v OR p.audience IS NULL OR p.audience <> 'followers_for_days'
       OR EXISTS { (v)-[fw:FOLLOWS]->(a) WHERE fw.since <= p.created_at - duration({days: coalesce(p.audience_days, 0)}) })
RETURN p.id AS id
