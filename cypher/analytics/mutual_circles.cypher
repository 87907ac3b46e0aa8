// Title: communities of mutual followers: each account's circle of mutual follows and how tight it is
// Description: For accounts with at least $min_size mutual follows: the members, and the share of member pairs that also follow each other mutually (1.0 = a clique). Community Edition has no GDS, so this is the local view.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {min_size: 2, limit: 20} */
MATCH (u:User)-[:FOLLOWS]->(m:User)-[:FOLLOWS]->(u)
WITH u, collect(DISTINCT m) AS circle
WHERE size(circle) >= $min_size
CALL (circle) {
  UNWIND circle AS a
  UNWIND circle AS b
  WITH a, b WHERE a.id < b.id AND EXISTS { (a)-[:FOLLOWS]->(b) } AND EXISTS { (b)-[:FOLLOWS]->(a) }
  RETURN count(*) AS mutual_pairs
}
RETURN u.username AS username, size(circle) AS circle_size,
       [m IN circle | m.username] AS members,
       CASE WHEN size(circle) < 2 THEN null
         ELSE round(toFloat(mutual_pairs) / (size(circle) * (size(circle) - 1) / 2.0), 3)
       END AS density
ORDER BY circle_size DESC, density DESC, username
LIMIT $limit
