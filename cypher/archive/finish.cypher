// Title: an archive is ready: record its object and size, and drop the owner's older archives; returns the object keys of those (to delete), or nothing when the archive is gone (its account deleted, or it was replaced)
/* :params {archive_id: "01hzy0000000000000000000ar", key: "export/01hzy0000000000000000000aa/01hzy0000000000000000000ar.zip", bytes: 1234} */
MATCH (u:User)-[:REQUESTED_EXPORT]->(a:Archive {id: $archive_id})
WHERE a.status = 'running'
SET u.lock_ = true
REMOVE u.lock_
SET a.status = 'ready', a.key = $key, a.bytes = $bytes, a.progress = 100, a.step = 'done',
    a.finished_at = datetime(), a.updated_at = datetime()
WITH u, a
CALL (u, a) {
  OPTIONAL MATCH (u)-[:REQUESTED_EXPORT]->(old:Archive)
    WHERE old.id < a.id AND NOT old.status IN ['pending', 'running']
  WITH collect(old.key) AS keys, collect(old) AS olds
  FOREACH (o IN olds | DETACH DELETE o)
  RETURN keys
}
RETURN a.id AS id, keys AS replaced
