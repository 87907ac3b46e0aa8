// Title: note how far an archive job got (a percentage and the step); returns whether the archive is still wanted (not deleted with its account, not replaced)
/* :params {archive_id: "01hzy0000000000000000000ar", progress: 40, step: "media"} */
MATCH (a:Archive {id: $archive_id})
WHERE a.status = 'running'
SET a.progress = $progress, a.step = $step, a.updated_at = datetime()
RETURN a.id AS id
