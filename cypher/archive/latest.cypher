// Title: the viewer's newest archive export (any state), for `GET /me/export`
// Blocks: the caller's own archive
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})-[:REQUESTED_EXPORT]->(a:Archive)
RETURN a.id AS id, a.status AS status, a.progress AS progress, a.step AS step, a.key AS key,
       a.bytes AS bytes, a.error AS error, toString(a.created_at) AS created_at,
       toString(a.finished_at) AS finished_at
ORDER BY a.id DESC
LIMIT 1
