// Title: one page of a user's post ids, newest first
// Blocks: the caller checked the viewer may see this user's content (graph.users.access)
// Seeks the post_author index (author, id): the work is the page, whatever the post count. One
// ordered seek per direction; api/pagination.py gives the unused direction an empty range.
/* :params {user_id: "01hzy0000000000000000000bb", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
CALL () {
  MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = $user_id AND p.id > $newer_than AND p.id < $older_than
  WITH p ORDER BY p.author DESC, p.id DESC
  RETURN p LIMIT $limit
  UNION ALL
  MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = $user_id AND p.id > $after AND p.id < $before
  WITH p ORDER BY p.author ASC, p.id ASC
  RETURN p LIMIT $limit
}
RETURN p.id AS id
ORDER BY CASE WHEN $after = "" THEN id END DESC, id ASC
