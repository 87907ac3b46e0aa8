// Title: the avatar Media nodes of the given accounts (a page of notifications' people)
// Blocks: none here; the caller asks only about accounts already on a page the viewer may see
/* :params {ids: ["01hzy0000000000000000000aa"]} */
UNWIND $ids AS user_id
MATCH (u:User {id: user_id})
RETURN u.id AS id,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
