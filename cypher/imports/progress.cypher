// Title: note an import job's progress and report so far (rows done, counts, what it skipped and why); `done` finishes it; returns whether it is still wanted
/* :params {import_id: "01hzy0000000000000000000im", processed: 50, followed: 40, requested: 2, blocked: 0, skipped: "[]", done: false} */
MATCH (i:Import {id: $import_id})
WHERE i.status = 'running'
SET i.processed = $processed, i.followed = $followed, i.requested = $requested,
    i.blocked = $blocked, i.skipped = $skipped, i.updated_at = datetime()
FOREACH (_ IN CASE WHEN $done THEN [1] ELSE [] END |
  SET i.status = 'done', i.finished_at = datetime(), i.rows = null, i.lines = null
)
RETURN i.id AS id
