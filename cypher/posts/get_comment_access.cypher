// Title: a comment's post, whether the viewer can see it, wrote it, or owns the post
/* :params {viewer_id: "01hzy0000000000000000000aa", comment_id: "01hzy0000000000000000000c1"} */
MATCH (v:User {id: $viewer_id}),
      (w:User)-[:WROTE]->(c:Comment {id: $comment_id})-[:ON]->(p:Post)<-[:POSTED]-(a:User)
RETURN p.id AS post_id, w = v AS own, a = v AS post_owner,
       NOT EXISTS { (v)-[:BLOCKS]-(w) } AND w.suspended_at IS NULL AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
         AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
         AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
         OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
         OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
         OR (p.audience = 'followers_for_days'
             AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) })) AS visible
