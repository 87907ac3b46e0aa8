// Title: forget uploads (aborted, refused or expired)
/* :params {upload_ids: ["01hzy0000000000000000000up"]} */
UNWIND $upload_ids AS upload_id
MATCH (up:Upload {id: upload_id})
DETACH DELETE up
RETURN count(*) AS deleted
