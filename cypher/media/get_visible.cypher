// Title: a media item, when the viewer owns it or can see a post that shows it
/* :params {viewer_id: "01hzy0000000000000000000aa", media_id: "01hzy0000000000000000000mm"} */
MATCH (v:User {id: $viewer_id}), (m:Media {id: $media_id})
WHERE m.owner_id = v.id
   OR EXISTS {
     MATCH (a:User)-[:POSTED]->(p:Post)-[:HAS_MEDIA]->(m)
     WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
       AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
       AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
       OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
       OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
       OR (p.audience = 'followers_for_days'
           AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
   }
RETURN properties(m) AS media
