// Title: the caller's own account
// Blocks: the caller's own account
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (u:User {id: $viewer_id})
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
