// Title: reach of a post: its likers and the distinct followers of its likers
// Audience: the analysts' whole-graph aggregates on the read-only copy, no viewer
// Description: reach counts everyone who follows at least one liker, plus the likers, minus the author.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {post_id: "01hzy0000000000000000000pp"} */
MATCH (a:User)-[:POSTED]->(p:Post {id: $post_id})
OPTIONAL MATCH (l:User)-[:LIKES]->(p)
WITH a, p, collect(DISTINCT l) AS likers
CALL (a, likers) {
  UNWIND likers AS l
  OPTIONAL MATCH (f:User)-[:FOLLOWS]->(l)
  WITH a, collect(DISTINCT f) + collect(DISTINCT l) AS people
  UNWIND people AS person
  WITH a, person WHERE person <> a
  RETURN count(DISTINCT person) AS reach
}
RETURN p.id AS post_id, a.username AS author, size(likers) AS likers, coalesce(reach, 0) AS reach
