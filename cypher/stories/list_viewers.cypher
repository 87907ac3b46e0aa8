// Title: one page of a live story's viewers, newest view first, for its author only, without users in a block with the author
// Audience: only the story's author reads this, who is in every audience of their own story
// Seeks the saw_story index (story, id): the work is the page, whatever the number of viewers;
// one ordered seek per direction as users/list_followers does (api/pagination.py).
// The story is found by its id and its author by the story's `author`: two unique seeks, so no
// plan expands an author's stories (one with hundreds unswept would cost each page that many).
/* :params {viewer_id: "01hzy0000000000000000000aa", story_id: "01hzy0000000000000000000ss", now: datetime("2026-01-01T00:00:00Z"), limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (s:Story {id: $story_id}) USING INDEX s:Story(id)
WHERE s.expires_at > $now AND s.author = $viewer_id
MATCH (a:User {id: s.author})
CALL (a) {
  MATCH (u:User)-[r:SAW]->() USING INDEX SEEK r:SAW(story, id) WHERE r.story = $story_id AND r.id > $newer_than AND r.id < $older_than
  WITH * ORDER BY r.story DESC, r.id DESC
  WHERE NOT EXISTS { (a)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
  RETURN r, u LIMIT $limit
  UNION ALL
  MATCH (u:User)-[r:SAW]->() USING INDEX SEEK r:SAW(story, id) WHERE r.story = $story_id AND r.id > $after AND r.id < $before
  WITH * ORDER BY r.story ASC, r.id ASC
  WHERE NOT EXISTS { (a)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
  RETURN r, u LIMIT $limit
}
RETURN r.id AS cursor, toString(r.at) AS seen_at, u.id AS id, u.username AS username,
       u.display_name AS display_name, u.private AS private,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
