// Title: an archive job failed for good: mark it failed with the reason (the account may ask again)
/* :params {archive_id: "01hzy0000000000000000000ar", error: "gave up after 5 attempts"} */
MATCH (a:Archive {id: $archive_id})
WHERE a.status IN ['pending', 'running']
SET a.status = 'failed', a.error = $error, a.updated_at = datetime()
RETURN a.id AS id
