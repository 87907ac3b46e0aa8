// Title: set the type the bytes showed on the Media item a completion just recorded
/* :params {viewer_id: "01hzy0000000000000000000aa", media_id: "01hzy0000000000000000000mm", kind: "video", content_type: "video/quicktime"} */
MATCH (:User {id: $viewer_id})-[:OWNS]->(m:Media {id: $media_id})
SET m.kind = $kind, m.content_type = $content_type
RETURN properties(m) AS media
