// Title: lock the object keys of the given media items (see media/lock_keys), in key order
// Blocks: object-store bookkeeping, returns keys only
/* :params {media_ids: ["01hzy0000000000000000000mm"]} */
UNWIND $media_ids AS media_id
MATCH (m:Media {id: media_id})
UNWIND [k IN [m.key, m.thumb_key, m.poster_key, m.profile_key] WHERE k IS NOT NULL] AS key
WITH DISTINCT key ORDER BY key
MERGE (b:Blob {key: key})
SET b.lock_ = true
REMOVE b.lock_
RETURN key
