// Title: make a processed picture the account's avatar or header (its Media node's kind); returns the node and the ids of the one it replaces
// Blocks: the caller's own account
/* :params {viewer_id: "01hzy0000000000000000000aa", media: {id: "01hzy0000000000000000000mm", kind: "avatar", status: "ready", content_type: "image/webp", width: 300, height: 300, blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj", bytes: 12345, key: "avatar/ab.webp", profile_key: "avatar/cd.webp", thumb_key: "avatar/ef.webp"}} */
// The account is locked first, so two uploads at once leave exactly one picture attached and the
// other in `replaced` (released by the caller): nothing is left without an owner.
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u
OPTIONAL MATCH (u)-[r:PICTURE]->(old:Media {kind: $media.kind})
DELETE r
WITH u, collect(old.id) AS replaced
CREATE (u)-[:PICTURE]->(m:Media)
SET m = $media, m.owner_id = u.id, m.created_at = datetime()
RETURN properties(m) AS media, replaced
