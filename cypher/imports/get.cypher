// Title: one of the viewer's imports and its report (nothing when it is not the viewer's)
// Blocks: the caller's own import
/* :params {viewer_id: "01hzy0000000000000000000aa", import_id: "01hzy0000000000000000000im"} */
MATCH (:User {id: $viewer_id})-[:STARTED_IMPORT]->(i:Import {id: $import_id})
RETURN i.id AS id, i.type AS type, i.status AS status, i.total AS total,
       i.processed AS processed, i.followed AS followed, i.requested AS requested,
       i.blocked AS blocked, i.skipped AS skipped, i.error AS error,
       toString(i.created_at) AS created_at, toString(i.finished_at) AS finished_at
