// Title: lock one of the viewer's uploads for a check-and-write; it, whether it is unexpired, and the Media item it became
/* :params {viewer_id: "01hzy0000000000000000000aa", upload_id: "01hzy0000000000000000000up"} */
MATCH (up:Upload {id: $upload_id})
WHERE up.owner_id = $viewer_id
SET up.locked_at = datetime()
WITH up
OPTIONAL MATCH (up)-[:BECAME]->(m:Media)
WHERE m.owner_id = $viewer_id
RETURN properties(up) AS upload, up.expires_at > datetime() AS live, properties(m) AS media
