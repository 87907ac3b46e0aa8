// Title: block a user, removing follows and pending requests in both directions; idempotent
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob", rel_id: "01hzy0000000000000000000cc"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u
MERGE (v)-[b:BLOCKS]->(u)
  ON CREATE SET b.since = datetime(), b.id = $rel_id
WITH v, u
OPTIONAL MATCH (v)-[r:FOLLOWS|REQUESTED]-(u)
DELETE r
RETURN count(r) AS removed
