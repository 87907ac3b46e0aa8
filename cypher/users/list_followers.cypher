// Title: one page of a user's followers, newest follow first, without users in a block with the viewer
// Seeks the follows_followee index (followee, id): the work is the page, whatever the follower count.
// One ordered index seek per direction: newest first between newer_than and older_than, or oldest
// first from `after` (min_id); api/pagination.py gives the unused direction an empty range. The
// block filter runs on the rows read in order until the page is full, never on every row.
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   carol's followers, any viewer 482 -> 803 -> 474
// Suspended: `b` is the viewer's block list, read once; the rows' accounts (`f`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (v, blocked) {
  MATCH (f:User)-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(followee, id) WHERE r.followee = $user_id AND r.id > $newer_than AND r.id < $older_than
  WITH * ORDER BY r.followee DESC, r.id DESC
  WHERE NOT f IN blocked AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
  UNION ALL
  MATCH (f:User)-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(followee, id) WHERE r.followee = $user_id AND r.id > $after AND r.id < $before
  WITH * ORDER BY r.followee ASC, r.id ASC
  WHERE NOT f IN blocked AND f.suspended_at IS NULL
  RETURN r, f LIMIT $limit
}
RETURN r.id AS cursor, f.id AS id, f.username AS username, f.display_name AS display_name,
       COLLECT { MATCH (f)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       f.private AS private
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
