// Title: ids of media still processing: after Redis lost writes, their jobs may be gone from the queue, so the repair enqueues them again (processing twice is safe)
// Blocks: maintenance, no viewer
/* :params {limit: 10000} */
MATCH (m:Media)
WHERE m.status = "processing"
RETURN m.id AS id
LIMIT $limit
