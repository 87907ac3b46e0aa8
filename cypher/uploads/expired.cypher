// Title: uploads whose time ran out before $now, oldest first
// Blocks: the sweep's maintenance view, no viewer
/* :params {now: "2026-01-02T00:00:00Z", limit: 1000} */
MATCH (up:Upload)
WHERE up.expires_at < datetime($now)
RETURN up.id AS id, up.key AS key, up.s3_upload_id AS s3_upload_id, up.status AS status
ORDER BY up.expires_at
LIMIT $limit
