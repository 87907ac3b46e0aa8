// Title: post a story: one picture or video of the viewer's, up until $expires_at, for an audience; returns its id
// Run in one transaction after stories/prepare_story (which locks the author) and before
// stories/summarize_author, which stores on the author what the tray orders by.
/* :params {viewer_id: "01hzy0000000000000000000aa", id: "01hzy0000000000000000000ss", media_id: "01hzy0000000000000000000mm", now: datetime("2026-01-01T00:00:00Z"), expires_at: datetime("2026-01-02T00:00:00Z"), audience: "everyone", audience_days: null} */
MATCH (v:User {id: $viewer_id}), (v)-[:OWNS]->(m:Media {id: $media_id})
CREATE (v)-[:POSTED_STORY]->(s:Story {
  id: $id, author: v.id, created_at: $now, expires_at: $expires_at,
  audience: $audience, audience_days: $audience_days
})
CREATE (s)-[:HAS_MEDIA {position: 0}]->(m)
RETURN s.id AS id
