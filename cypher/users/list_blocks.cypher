// Title: one page of the accounts the viewer blocks, newest block first
// Blocks: the viewer's own block list: the blocked accounts are the content
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (me:User {id: $viewer_id})-[b:BLOCKS]->(u:User)
WHERE ($max_id IS NULL OR b.id < $max_id)
  AND ($since_id IS NULL OR b.id > $since_id)
  AND ($min_id IS NULL OR b.id > $min_id)
RETURN b.id AS cursor, u.id AS id, u.username AS username, u.display_name AS display_name,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       u.private AS private
ORDER BY CASE WHEN $min_id IS NULL THEN b.id END DESC, b.id ASC
LIMIT $limit
