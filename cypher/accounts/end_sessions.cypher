// Title: end every session of an account but the one kept (none kept when $keep_session_id is
// null); returns the ids of the sessions ended, for the Redis session cache
/* :params {viewer_id: "01hzy0000000000000000000aa", keep_session_id: null} */
MATCH (u:User {id: $viewer_id})
OPTIONAL MATCH (u)-[:HAS_SESSION]->(s:Session)
  WHERE $keep_session_id IS NULL OR s.id <> $keep_session_id
WITH collect(s) AS ended
WITH ended, [s IN ended | s.id] AS ids
FOREACH (s IN ended | DETACH DELETE s)
RETURN ids AS ended
