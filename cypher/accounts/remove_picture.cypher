// Title: take the account's avatar or header off (kind "avatar" or "header"); returns the ids of the Media nodes to release
// Blocks: the caller's own account
/* :params {viewer_id: "01hzy0000000000000000000aa", kind: "avatar"} */
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u
OPTIONAL MATCH (u)-[r:PICTURE]->(m:Media {kind: $kind})
DELETE r
RETURN collect(m.id) AS removed
