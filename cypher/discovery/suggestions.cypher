// Title: who to follow: friends of friends ranked by mutual connections, with up to 3 of them by name
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 20} */
MATCH (v:User {id: $viewer_id})-[:FOLLOWS]->(f:User)-[:FOLLOWS]->(c:User)
WHERE c <> v
  AND NOT EXISTS { (v)-[:FOLLOWS|REQUESTED]->(c) }
  AND NOT EXISTS { (v)-[:BLOCKS]-(c) }
  AND NOT EXISTS { (v)-[:BLOCKS]-(f) }
WITH c, f ORDER BY f.username
WITH c, collect(f.username) AS via
RETURN c.id AS id, c.username AS username, c.display_name AS display_name, c.private AS private,
       size(via) AS mutuals, via[0..3] AS names
ORDER BY mutuals DESC, c.username
LIMIT $limit
