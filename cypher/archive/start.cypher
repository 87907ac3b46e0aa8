// Title: start an archive export of the viewer's data, unless one is already under way: locks the account, then checks and creates in one transaction; returns the new archive, or the one under way (`created` false)
// An archive left pending or running with no progress since $stale_before (its job lost) no
// longer counts as under way: it is marked failed, and the new one replaces it.
/* :params {viewer_id: "01hzy0000000000000000000aa", archive_id: "01hzy0000000000000000000ar", domain: "graphgram.example", stale_before: "2026-01-01T00:00:00Z"} */
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u
OPTIONAL MATCH (u)-[:REQUESTED_EXPORT]->(busy:Archive)
  WHERE busy.status IN ['pending', 'running'] AND busy.updated_at >= datetime($stale_before)
WITH u, busy ORDER BY busy.id DESC LIMIT 1
OPTIONAL CALL (u, busy) {
  WITH u WHERE busy IS NULL
  OPTIONAL MATCH (u)-[:REQUESTED_EXPORT]->(lost:Archive) WHERE lost.status IN ['pending', 'running']
  SET lost.status = 'failed', lost.error = 'interrupted', lost.updated_at = datetime()
  WITH DISTINCT u
  CREATE (u)-[:REQUESTED_EXPORT]->(a:Archive {
    id: $archive_id, owner_id: u.id, status: 'pending', progress: 0, step: 'queued',
    domain: $domain, created_at: datetime(), updated_at: datetime()
  })
  RETURN a
}
WITH coalesce(a, busy) AS a, busy IS NULL AS created
RETURN a.id AS id, a.status AS status, created
