// Title: put a user on the viewer's close friends; idempotent, nothing across a block, and the friend is not told
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob", rel_id: "01hzy0000000000000000000cc"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u
// Lock both accounts in id order before checking anything, as users/follow and users/block do:
// a block committing meanwhile (which removes the relationship) is seen here.
CALL (v, u) {
  UNWIND CASE WHEN v.id < u.id THEN [v, u] ELSE [u, v] END AS n
  SET n.lock_ = true
  REMOVE n.lock_
}
WITH v, u
WHERE NOT EXISTS { (v)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
MERGE (v)-[c:CLOSE_FRIEND]->(u)
  ON CREATE SET c.since = datetime(), c.owner = v.id, c.id = $rel_id
RETURN u.id AS id
