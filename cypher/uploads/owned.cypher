// Title: every upload an account started (to abort them when the account is deleted)
// Blocks: the account's own uploads only, no other account's content
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})-[:STARTED]->(up:Upload)
RETURN up.id AS id, up.key AS key, up.s3_upload_id AS s3_upload_id, up.status AS status
