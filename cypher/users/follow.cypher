// Title: follow a public account or request to follow a private one; idempotent, nothing across a block
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob", rel_id: "01hzy0000000000000000000cc"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u
// Lock both accounts (in id order, so two calls never wait on each other in a cycle) before
// checking anything: follow, block and accept take the same locks, so they serialize and no
// follow or request can slip in beside a block that commits concurrently.
CALL (v, u) {
  UNWIND CASE WHEN v.id < u.id THEN [v, u] ELSE [u, v] END AS n
  SET n.lock_ = true
  REMOVE n.lock_
}
WITH v, u
WHERE NOT EXISTS { (v)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
WITH v, u, EXISTS { (v)-[:FOLLOWS]->(u) } AS already
FOREACH (_ IN CASE WHEN NOT u.private OR already THEN [1] ELSE [] END |
  MERGE (v)-[f:FOLLOWS]->(u)
    ON CREATE SET f.since = datetime(), f.id = $rel_id, f.follower = v.id, f.followee = u.id)
FOREACH (_ IN CASE WHEN u.private AND NOT already THEN [1] ELSE [] END |
  MERGE (v)-[q:REQUESTED]->(u)
    ON CREATE SET q.at = datetime(), q.id = $rel_id, q.requester = v.id, q.target = u.id)
RETURN u.id AS id, EXISTS { (v)-[:FOLLOWS]->(u) } AS following,
       EXISTS { (v)-[:REQUESTED]->(u) } AS requested
