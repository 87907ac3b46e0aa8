// Title: an import job failed for good: mark it failed with the reason (what it did so far stays done)
/* :params {import_id: "01hzy0000000000000000000im", error: "gave up after 5 attempts"} */
MATCH (i:Import {id: $import_id})
WHERE i.status IN ['pending', 'running']
SET i.status = 'failed', i.error = $error, i.updated_at = datetime()
RETURN i.id AS id
