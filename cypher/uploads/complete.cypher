// Title: turn a locked, checked upload into a Media item owned by the viewer
/* :params {viewer_id: "01hzy0000000000000000000aa", upload_id: "01hzy0000000000000000000up", media: {id: "01hzy0000000000000000000mm", kind: "video", status: "processing", content_type: "video/mp4", bytes: 20000000, key: "upload/01hzy0000000000000000000up"}} */
MATCH (u:User {id: $viewer_id})-[:STARTED]->(up:Upload {id: $upload_id})
WHERE up.status = "open"
CREATE (u)-[:OWNS]->(m:Media)
SET m = $media, m.owner_id = u.id, m.created_at = datetime()
CREATE (up)-[:BECAME]->(m)
SET up.status = "completed", up.media_id = m.id
RETURN properties(m) AS media
