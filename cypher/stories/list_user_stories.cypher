// Title: an account's live stories the viewer may see, oldest first, each with the viewer's seen flag
// One index seek on story_author_expires: only stories not yet expired are read.
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb", now: datetime("2026-01-01T00:00:00Z"), limit: 100} */
MATCH (v:User {id: $viewer_id}), (a:User {id: $user_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = a.id AND s.expires_at > $now
  AND (s.audience IS NULL OR s.audience = 'everyone' OR a = v
       OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
       OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
       OR (s.audience = 'followers_for_days'
           AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
WITH v, s ORDER BY s.id LIMIT $limit
RETURN s {.id, .audience, .audience_days, created_at: toString(s.created_at),
          expires_at: toString(s.expires_at), expires_epoch: s.expires_at.epochSeconds,
          highlighted: EXISTS { (s)<-[:INCLUDES]-(:Highlight) },
          seen: EXISTS { (v)-[:SAW]->(s) },
          media: COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN properties(m) }} AS story
ORDER BY story.id
