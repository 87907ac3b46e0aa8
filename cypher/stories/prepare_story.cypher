// Title: lock the author before posting a story; whether the media item can be a story and how many live stories the author has
// Run in the transaction that then writes stories/create_story: the lock makes "at most
// story_live_max live stories" hold under concurrent posts.
/* :params {viewer_id: "01hzy0000000000000000000aa", media_id: "01hzy0000000000000000000mm", now: datetime("2026-01-01T00:00:00Z")} */
MATCH (v:User {id: $viewer_id})
SET v.lock_ = true
REMOVE v.lock_
RETURN EXISTS {
         MATCH (v)-[:OWNS]->(m:Media {id: $media_id})
         WHERE m.status <> 'failed' AND m.kind IN ['image', 'video']
       } AS media_ok,
       COUNT { MATCH (v)-[:POSTED_STORY]->(s:Story) WHERE s.expires_at > $now } AS live
