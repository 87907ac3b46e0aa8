// Title: one page of the follow requests the viewer received, newest first, without users in a block with them
// Seeks the requested_target index (target, id).
// One ordered index seek per direction: newest first between newer_than and older_than, or oldest
// first from `after` (min_id); api/pagination.py gives the unused direction an empty range. The
// block filter runs on the rows read in order until the page is full, never on every row.
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  MATCH (f:User)-[r:REQUESTED]->() USING INDEX SEEK r:REQUESTED(target, id) WHERE r.target = $viewer_id AND r.id > $newer_than AND r.id < $older_than
  WITH * ORDER BY r.target DESC, r.id DESC
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) } AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
  UNION ALL
  MATCH (f:User)-[r:REQUESTED]->() USING INDEX SEEK r:REQUESTED(target, id) WHERE r.target = $viewer_id AND r.id > $after AND r.id < $before
  WITH * ORDER BY r.target ASC, r.id ASC
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) } AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
}
RETURN r.id AS cursor, f.id AS id, f.username AS username, f.display_name AS display_name,
       COLLECT { MATCH (f)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       f.private AS private
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
