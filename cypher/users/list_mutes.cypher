// Title: one page of the accounts the viewer mutes (mutes still in force), newest mute first
// A muted account now in a block with the viewer is left out (the block check below).
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (me:User {id: $viewer_id})-[m:MUTES]->(u:User)
WHERE (m.until IS NULL OR m.until > datetime())
  AND NOT EXISTS { (me)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
  AND ($max_id IS NULL OR m.id < $max_id)
  AND ($since_id IS NULL OR m.id > $since_id)
  AND ($min_id IS NULL OR m.id > $min_id)
RETURN m.id AS cursor, u.id AS id, u.username AS username, u.display_name AS display_name,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       u.private AS private, toString(m.until) AS mute_expires_at,
       m.notifications AS mute_notifications
ORDER BY CASE WHEN $min_id IS NULL THEN m.id END DESC, m.id ASC
LIMIT $limit
