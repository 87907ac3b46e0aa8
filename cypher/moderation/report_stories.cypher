// Title: the stories a report names, as the reporter may see them now (live, or kept in a highlight): author and media keys, for the report's snapshot
/* :params {reporter_id: "01hzy0000000000000000000aa", story_ids: ["01hzy0000000000000000000ss"], now: datetime("2026-01-01T00:00:00Z")} */
MATCH (r:User {id: $reporter_id})
UNWIND $story_ids AS sid
MATCH (a:User)-[:POSTED_STORY]->(s:Story {id: sid})
WHERE (s.expires_at > $now OR EXISTS { (s)<-[:INCLUDES]-(:Highlight) })
  AND NOT EXISTS { (r)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR a = r OR EXISTS { (r)-[:FOLLOWS]->(a) })
  AND (s.audience IS NULL OR s.audience = 'everyone' OR a = r
       OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(r) })
       OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(r) } AND EXISTS { (r)-[:FOLLOWS]->(a) })
       OR (s.audience = 'followers_for_days'
           AND EXISTS { (r)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
RETURN {type: 'story', id: s.id, author_id: a.id, author: a.username, text: null,
        created_at: toString(s.created_at),
        media: COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN m.key }} AS item
