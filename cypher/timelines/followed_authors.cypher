// Title: which of $author_ids are the viewer or accounts the viewer follows and does not mute (posts whose fan-out is still running are shown only to them)
/* :params {viewer_id: "01hzy0000000000000000000aa", author_ids: ["01hzy0000000000000000000bb"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $author_ids AS author_id
MATCH (a:User {id: author_id})
WHERE (a = v OR EXISTS { (v)-[:FOLLOWS]->(a) }) AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
RETURN a.id AS id
