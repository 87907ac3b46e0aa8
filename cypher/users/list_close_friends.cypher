// Title: one page of the viewer's close friends, newest added first
// An account now in a block with the viewer, or suspended, is left out (users/block removes the
// relationship too).
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (me:User {id: $viewer_id})-[c:CLOSE_FRIEND]->(u:User)
WHERE NOT EXISTS { (me)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
  AND ($max_id IS NULL OR c.id < $max_id)
  AND ($since_id IS NULL OR c.id > $since_id)
  AND ($min_id IS NULL OR c.id > $min_id)
RETURN c.id AS cursor, u.id AS id, u.username AS username, u.display_name AS display_name,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       u.private AS private
ORDER BY CASE WHEN $min_id IS NULL THEN c.id END DESC, c.id ASC
LIMIT $limit
