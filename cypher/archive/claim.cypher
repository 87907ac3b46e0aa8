// Title: a worker takes an archive job: marks it running and returns it with its owner, or nothing when the archive is gone, finished or replaced
/* :params {archive_id: "01hzy0000000000000000000ar"} */
MATCH (u:User)-[:REQUESTED_EXPORT]->(a:Archive {id: $archive_id})
WHERE a.status IN ['pending', 'running']
SET a.status = 'running', a.updated_at = datetime(), a.attempts = coalesce(a.attempts, 0) + 1
RETURN a.id AS id, u.id AS owner_id, u.username AS username, a.domain AS domain
