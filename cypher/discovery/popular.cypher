// Title: the most-followed public accounts the viewer does not follow yet (suggestions fallback)
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 20} */
MATCH (v:User {id: $viewer_id}), (c:User)
WHERE c <> v AND NOT c.private
  AND NOT EXISTS { (v)-[:FOLLOWS|REQUESTED]->(c) }
  AND NOT EXISTS { (v)-[:BLOCKS]-(c) }
WITH c, COUNT { (c)<-[:FOLLOWS]-(:User) } AS followers
RETURN c.id AS id, c.username AS username, c.display_name AS display_name, c.private AS private,
       followers
ORDER BY followers DESC, c.username
LIMIT $limit
