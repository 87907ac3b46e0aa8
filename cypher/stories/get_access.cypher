// Title: whether a story exists, whether the viewer posted it, whether it is live, and whether the viewer may see it now
/* :params {viewer_id: "01hzy0000000000000000000aa", story_id: "01hzy0000000000000000000ss", now: datetime("2026-01-01T00:00:00Z")} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED_STORY]->(s:Story {id: $story_id})
RETURN a = v AS own, s.expires_at > $now AS live,
       s.expires_at > $now
         AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
         AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
         AND (s.audience IS NULL OR s.audience = 'everyone' OR a = v
              OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
              OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
              OR (s.audience = 'followers_for_days'
                  AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
         AS visible
