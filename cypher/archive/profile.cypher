// Title: the account's profile for its own data archive, with its avatar and header media
// Blocks: the account's own data, read by its export job
/* :params {user_id: "01hzy0000000000000000000aa"} */
MATCH (u:User {id: $user_id})
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media) RETURN pic {.id, .kind, .key, .content_type} } AS pictures
