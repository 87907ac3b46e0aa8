// Title: record a direct upload started by the viewer, expiring after $ttl_s seconds
/* :params {viewer_id: "01hzy0000000000000000000aa", ttl_s: 86400, upload: {id: "01hzy0000000000000000000up", key: "upload/01hzy0000000000000000000up", s3_upload_id: "abc", filename: "clip.mp4", content_type: "video/mp4", kind: "video", size: 20000000, part_size: 8388608, parts: 3}} */
MATCH (u:User {id: $viewer_id})
CREATE (u)-[:STARTED]->(up:Upload)
SET up = $upload, up.owner_id = u.id, up.status = "open", up.created_at = datetime(),
    up.expires_at = datetime() + duration({seconds: $ttl_s})
RETURN properties(up) AS upload
