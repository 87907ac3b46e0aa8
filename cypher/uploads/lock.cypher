// Title: lock one of the viewer's uploads for a check-and-write, and return it
/* :params {viewer_id: "01hzy0000000000000000000aa", upload_id: "01hzy0000000000000000000up"} */
MATCH (up:Upload {id: $upload_id})
WHERE up.owner_id = $viewer_id
SET up.locked_at = datetime()
RETURN properties(up) AS upload
