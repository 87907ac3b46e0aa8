// Title: delete expired stories no highlight keeps, with their views; returns media no post or story uses any more
// Each is checked again under its lock: a highlight made meanwhile keeps its story.
/* :params {story_ids: ["01hzy0000000000000000000ss"], now: datetime("2026-01-01T00:00:00Z")} */
UNWIND $story_ids AS story_id
MATCH (s:Story {id: story_id})
SET s.lock_ = true
REMOVE s.lock_
WITH s
WHERE s.expires_at <= $now AND NOT EXISTS { (s)<-[:INCLUDES]-(:Highlight) }
WITH s, COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN m } AS media
DETACH DELETE s
WITH collect(media) AS lists
WITH reduce(acc = [], l IN lists | acc + l) AS media
RETURN [m IN media WHERE NOT EXISTS { ()-[:HAS_MEDIA]->(m) } | m.id] AS released_media
