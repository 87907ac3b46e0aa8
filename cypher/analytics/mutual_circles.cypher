// Title: communities of mutual followers: each account's circle of mutual follows and how tight it is
// Description: For accounts with at least $min_size mutual follows: the members (by username), and the share of member pairs that also follow each other mutually (1.0 = a clique). `graphgram analytics run communities` finds communities over the whole graph on the analytics copy.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
// Plan: each account's followees and followers are read once each (two Expand(All), no labels:
// FOLLOWS only ever joins two users) and intersected in memory. It was
// `MATCH (u)-[:FOLLOWS]->(m)-[:FOLLOWS]->(u)`: an Expand(Into) per follower, which walks the whole
// relationship chain of every ordinary follower (posts, likes, comments, follows) to find one
// FOLLOWS. PROFILE on 20,000 users and 932,347 relationships (bench/results/query-plans.json, best
// of 3 on 2 busy cores): 5,760,021 db hits and 6.12 s before, 915,241 and 1.35 s after (0.44 s on a
// quieter run), the same rows; members are now listed by username.
/* :params {min_size: 2, limit: 20} */
MATCH (u:User)
WHERE COUNT { (u)-[:FOLLOWS]->() } >= $min_size AND COUNT { (u)<-[:FOLLOWS]-() } >= $min_size
WITH u, [(u)-[:FOLLOWS]->(m) | m] AS following, [(u)<-[:FOLLOWS]-(f) | f] AS followers
WITH u, [m IN following WHERE m IN followers] AS circle
WHERE size(circle) >= $min_size
CALL (circle) {
  UNWIND circle AS a
  UNWIND circle AS b
  WITH a, b WHERE a.id < b.id AND EXISTS { (a)-[:FOLLOWS]->(b) } AND EXISTS { (b)-[:FOLLOWS]->(a) }
  RETURN count(*) AS mutual_pairs
}
RETURN u.username AS username, size(circle) AS circle_size,
       COLLECT { UNWIND circle AS m RETURN m.username ORDER BY m.username } AS members,
       CASE WHEN size(circle) < 2 THEN null
         ELSE round(toFloat(mutual_pairs) / (size(circle) * (size(circle) - 1) / 2.0), 3)
       END AS density
ORDER BY circle_size DESC, density DESC, username
LIMIT $limit
