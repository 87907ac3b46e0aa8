// Title: whether a post exists, whether the viewer may see it (blocks, privacy, suspension, the post's audience), and whether the viewer wrote it
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED]->(p:Post {id: $post_id})
RETURN a = v AS own,
       NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
         AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
         AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
         OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
         OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
         OR (p.audience = 'followers_for_days'
             AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) })) AS visible
