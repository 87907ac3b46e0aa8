// Title: one page of a post's comments, newest first, without authors in a block with the viewer
// Seeks the comment_post index (post, id).
// One ordered index seek per direction: newest first between newer_than and older_than, or oldest
// first from `after` (min_id); api/pagination.py gives the unused direction an empty range. The
// block filter runs on the rows read in order until the page is full, never on every row.
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   a post with 5k comments, any viewer 464 -> 592 -> 448
// Suspended: `b` is the viewer's block list, read once; the rows' accounts (`w`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (v, blocked) {
  MATCH (c:Comment) USING INDEX SEEK c:Comment(post, id) WHERE c.post = $post_id AND c.id > $newer_than AND c.id < $older_than
  WITH * ORDER BY c.post DESC, c.id DESC
  MATCH (w:User)-[:WROTE]->(c) WHERE NOT w IN blocked AND w.suspended_at IS NULL
  RETURN c, w LIMIT $limit
  UNION ALL
  MATCH (c:Comment) USING INDEX SEEK c:Comment(post, id) WHERE c.post = $post_id AND c.id > $after AND c.id < $before
  WITH * ORDER BY c.post ASC, c.id ASC
  MATCH (w:User)-[:WROTE]->(c) WHERE NOT w IN blocked AND w.suspended_at IS NULL
  RETURN c, w LIMIT $limit
}
OPTIONAL MATCH (c)-[:REPLY_TO]->(parent:Comment)
RETURN c.id AS cursor, c.id AS id, c.text AS text, toString(c.created_at) AS created_at,
       parent.id AS reply_to, {id: w.id, username: w.username, display_name: w.display_name,
         pictures: COLLECT { MATCH (w)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }} AS author
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
