// Title: accept a pending follow request from $username
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (me:User {id: $viewer_id}), (r:User {username: $username})
WITH me AS v, r AS u
// Lock both accounts in id order before checking anything, as users/follow does.
CALL (v, u) {
  UNWIND CASE WHEN v.id < u.id THEN [v, u] ELSE [u, v] END AS n
  SET n.lock_ = true
  REMOVE n.lock_
}
WITH v AS me, u AS r
MATCH (me)<-[q:REQUESTED]-(r)
WHERE NOT EXISTS { (me)-[:BLOCKS]-(r) } AND r.suspended_at IS NULL
MERGE (r)-[f:FOLLOWS]->(me)
  ON CREATE SET f.since = datetime(), f.id = q.id, f.follower = r.id, f.followee = me.id
DELETE q
RETURN r.id AS id
