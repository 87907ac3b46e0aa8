// Title: stories past their expiry that no highlight keeps (the sweep deletes them and releases their media)
// Blocks: the sweep's maintenance view, no viewer
// Audience: the sweep's maintenance view, no viewer
// A range seek on story_expires; highlighted stories in the range are read and skipped.
/* :params {now: datetime("2026-01-01T00:00:00Z"), batch: 500} */
MATCH (s:Story)
WHERE s.expires_at <= $now AND NOT EXISTS { (s)<-[:INCLUDES]-(:Highlight) }
RETURN s.id AS id, s.author AS author_id
LIMIT $batch
