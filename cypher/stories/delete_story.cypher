// Title: delete a story with its views and its places in highlights (a highlight left empty goes too); returns media no post or story uses any more
// The story is locked before what hangs on it is read: a view or a highlight being written waits,
// and is then removed here (or fails because the story is gone).
/* :params {author_id: "01hzy0000000000000000000aa", story_id: "01hzy0000000000000000000ss"} */
MATCH (a:User {id: $author_id})-[:POSTED_STORY]->(s:Story {id: $story_id})
SET s.lock_ = true
REMOVE s.lock_
WITH s, COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN m } AS media,
     COLLECT { MATCH (h:Highlight)-[:INCLUDES]->(s) RETURN h } AS highlights
DETACH DELETE s
WITH media, highlights
CALL (highlights) {
  UNWIND highlights AS h
  WITH h WHERE NOT EXISTS { (h)-[:INCLUDES]->() }
  DETACH DELETE h
}
RETURN [m IN media WHERE NOT EXISTS { ()-[:HAS_MEDIA]->(m) } | m.id] AS released_media
