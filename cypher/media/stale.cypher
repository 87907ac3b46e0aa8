// Title: media stuck in processing since before $before, or failed and attached to no post
// Blocks: the sweep's maintenance view, no viewer
/* :params {before: "2026-01-01T00:00:00Z"} */
MATCH (m:Media)
WHERE (m.status = "processing" AND coalesce(m.retried_at, m.created_at) < datetime($before))
   OR (m.status = "failed" AND NOT EXISTS { ()-[:HAS_MEDIA|PICTURE]->(m) })
RETURN m.id AS id, m.status AS status, coalesce(m.attempts, 0) AS attempts,
       [k IN [m.key, m.thumb_key, m.poster_key, m.profile_key] WHERE k IS NOT NULL] AS keys
