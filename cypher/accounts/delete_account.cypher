// Title: delete an account with its posts (and their comments, likes and earlier versions), its comments (and the
// replies below them), likes, follows, requests, blocks, stories (with their views), highlights,
// sessions, data archives and imports; returns the ids of the media it owned and of its
// sessions, for the object store and the Redis cache
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
// Lock the account first: a post, comment or like being written by it waits, then is removed.
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u,
     COLLECT { MATCH (u)-[:OWNS|PICTURE]->(m:Media) RETURN DISTINCT m.id } AS media,
     COLLECT { MATCH (u)-[:HAS_SESSION]->(s:Session) RETURN s.id } AS sessions
CALL (u) {
  MATCH (u)-[:POSTED]->(:Post)<-[:ON]-(c:Comment)
  DETACH DELETE c
}
CALL (u) {
  MATCH (u)-[:POSTED]->(:Post)-[:HAS_EDIT]->(e:PostEdit)
  DETACH DELETE e
}
// Its public posts leave each tag's public post count (posts/create_post keeps it).
CALL (u) {
  MATCH (u)-[r:USES_TAG]->(h:Hashtag)
  SET h.public_posts = coalesce(h.public_posts, 0) - CASE WHEN u.private THEN 0 ELSE r.posts END
}
CALL (u) {
  MATCH (u)-[:WROTE]->(:Comment)<-[:REPLY_TO*0..]-(r:Comment)
  WITH DISTINCT r
  DETACH DELETE r
}
CALL (u) {
  MATCH (u)-[:POSTED|POSTED_STORY|HAS_HIGHLIGHT|HAS_SESSION|REQUESTED_EXPORT|STARTED_IMPORT]->(n)
  DETACH DELETE n
}
DETACH DELETE u
RETURN media, sessions
