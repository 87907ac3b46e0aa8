// Title: the ids of an account's sessions and app tokens, for the Redis session cache
// Blocks: no viewer, maintenance of the session cache
/* :params {user_id: "01hzy0000000000000000000aa"} */
MATCH (u:User {id: $user_id})-[:HAS_SESSION]->(s:Session)
RETURN collect(s.id) AS ids
