// Title: count one more processing attempt for media the sweep re-enqueues
// Blocks: maintenance, no viewer
/* :params {media_ids: ["01hzy0000000000000000000mm"]} */
UNWIND $media_ids AS media_id
MATCH (m:Media {id: media_id})
WHERE m.status = "processing"
SET m.attempts = coalesce(m.attempts, 0) + 1, m.retried_at = datetime()
RETURN m.id AS id
