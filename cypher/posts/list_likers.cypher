// Title: one page of a post's likers, newest like first, without users in a block with the viewer
// Seeks the likes_post index (post, id).
// One ordered index seek per direction: newest first between newer_than and older_than, or oldest
// first from `after` (min_id); api/pagination.py gives the unused direction an empty range. The
// block filter runs on the rows read in order until the page is full, never on every row.
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   a post with 50k likes, any viewer 486 -> 815 -> 482
// Suspended: `b` is the viewer's block list, read once; the rows' accounts (`f`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (v, blocked) {
  MATCH (f:User)-[r:LIKES]->() USING INDEX SEEK r:LIKES(post, id) WHERE r.post = $post_id AND r.id > $newer_than AND r.id < $older_than
  WITH * ORDER BY r.post DESC, r.id DESC
  WHERE NOT f IN blocked AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
  UNION ALL
  MATCH (f:User)-[r:LIKES]->() USING INDEX SEEK r:LIKES(post, id) WHERE r.post = $post_id AND r.id > $after AND r.id < $before
  WITH * ORDER BY r.post ASC, r.id ASC
  WHERE NOT f IN blocked AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
}
RETURN r.id AS cursor, f.id AS id, f.username AS username, f.display_name AS display_name,
       COLLECT { MATCH (f)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       f.private AS private
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
