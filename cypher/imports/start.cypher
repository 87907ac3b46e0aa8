// Title: start importing a follow or block list for the viewer, unless an import is already under way: locks the account, then checks and creates in one transaction; returns the new import, or the one under way (`created` false)
// An import left pending or running with no progress since $stale_before (its job lost) no
// longer counts as under way: it is marked failed, and the new one replaces it.
/* :params {viewer_id: "01hzy0000000000000000000aa", import_id: "01hzy0000000000000000000im", type: "following", rows: ["bob"], lines: [2], domain: "graphgram.example", stale_before: "2026-01-01T00:00:00Z"} */
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u
OPTIONAL MATCH (u)-[:STARTED_IMPORT]->(busy:Import)
  WHERE busy.status IN ['pending', 'running'] AND busy.updated_at >= datetime($stale_before)
WITH u, busy ORDER BY busy.id DESC LIMIT 1
OPTIONAL CALL (u, busy) {
  WITH u WHERE busy IS NULL
  OPTIONAL MATCH (u)-[:STARTED_IMPORT]->(lost:Import) WHERE lost.status IN ['pending', 'running']
  SET lost.status = 'failed', lost.error = 'interrupted', lost.updated_at = datetime()
  WITH DISTINCT u
  CREATE (u)-[:STARTED_IMPORT]->(i:Import {
    id: $import_id, owner_id: u.id, type: $type, status: 'pending', rows: $rows, lines: $lines,
    total: size($rows), processed: 0, followed: 0, requested: 0, blocked: 0, skipped: '[]',
    domain: $domain, created_at: datetime(), updated_at: datetime()
  })
  RETURN i
}
WITH coalesce(i, busy) AS i, busy IS NULL AS created
RETURN i.id AS id, i.status AS status, created
