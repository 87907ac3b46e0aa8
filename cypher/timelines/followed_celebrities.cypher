// Title: the accounts a viewer follows that are not fanned out to (above the follower threshold, or already known as celebrities): merged into the viewer's feed at read time
/* :params {viewer_id: "01hzy0000000000000000000aa", threshold: 20000, known: []} */
MATCH (v:User {id: $viewer_id})-[:FOLLOWS]->(a:User)
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  AND (a.id IN $known OR COUNT { (a)<-[:FOLLOWS]-() } > $threshold)
RETURN a.id AS id
