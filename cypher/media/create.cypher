// Title: record an uploaded media item owned by the viewer
/* :params {viewer_id: "01hzy0000000000000000000aa", media: {id: "01hzy0000000000000000000mm", kind: "image", status: "ready", content_type: "image/webp", width: 1080, height: 720, duration: null, blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj", bytes: 12345, key: "img/ab.webp", thumb_key: "thumb/cd.webp", poster_key: null}} */
MATCH (u:User {id: $viewer_id})
CREATE (u)-[:OWNS]->(m:Media)
SET m = $media, m.owner_id = u.id, m.created_at = datetime()
RETURN properties(m) AS media
