// Title: block a user, removing follows, pending requests and close friends in both directions; idempotent
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob", rel_id: "01hzy0000000000000000000cc"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u
// Lock both accounts in id order before checking anything, as users/follow does.
CALL (v, u) {
  UNWIND CASE WHEN v.id < u.id THEN [v, u] ELSE [u, v] END AS n
  SET n.lock_ = true
  REMOVE n.lock_
}
MERGE (v)-[b:BLOCKS]->(u)
  ON CREATE SET b.since = datetime(), b.id = $rel_id
WITH v, u
OPTIONAL MATCH (v)-[r:FOLLOWS|REQUESTED|CLOSE_FRIEND]-(u)
DELETE r
// Grouped by the pair, so an unknown username returns no row at all (404), not a count of 0.
RETURN u.id AS blocked, count(r) AS removed
