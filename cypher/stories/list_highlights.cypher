// Title: one page of an account's highlights the viewer may see, newest first, each with the stories in it the viewer may see, in the author's order
// Highlighted stories stay past their 24 hours, so there is no expiry here; blocks, privacy,
// suspension and each story's audience apply as everywhere. A highlight none of whose stories the
// viewer may see is left out. Seeks highlight_owner (owner, id); an account keeps tens of
// highlights, not thousands, so all of its older highlights are read before the page is cut.
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb", limit: 21, older_than: "~"} */
MATCH (v:User {id: $viewer_id}), (a:User {id: $user_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
MATCH (h:Highlight) USING INDEX SEEK h:Highlight(owner, id) WHERE h.owner = a.id AND h.id < $older_than
WITH v, a, h, COLLECT {
  MATCH (h)-[i:INCLUDES]->(s:Story)
  WHERE s.audience IS NULL OR s.audience = 'everyone' OR a = v
        OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
        OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
        OR (s.audience = 'followers_for_days'
            AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) })
  RETURN s {.id, .audience, .audience_days, created_at: toString(s.created_at),
            expires_at: toString(s.expires_at), expires_epoch: s.expires_at.epochSeconds,
            highlighted: true, seen: EXISTS { (v)-[:SAW]->(s) },
            media: COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN properties(m) }}
  ORDER BY i.position
} AS stories
WHERE size(stories) > 0
RETURN h.id AS id, h.title AS title, toString(h.created_at) AS created_at, stories
ORDER BY id DESC
LIMIT $limit
