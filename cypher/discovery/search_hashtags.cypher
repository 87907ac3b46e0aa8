// Title: hashtags starting with the query (full-text), with how many of their posts the viewer may see; tags the viewer may see no post of are left out
// The count is tags/get_tag's, never walking a tag's posts: its public post count
// (Hashtag.public_posts), minus the USES_TAG counts of the public accounts in a block with the
// viewer, plus those of the private accounts the viewer may see; the viewer's blocks and follows
// are read once, and each candidate costs an Expand(Into) per such account. A tag used only on a
// private account's posts is never shown to anyone else. The full-text index hands over at most
// 200 candidates.
// Suspended: `b` only takes blocked people out of a count; a suspended account's share of it stays (docs/moderation.md)
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   sunset*: typical 8 -> 743 -> 645, heavy (2,000 follows) 8 -> 9741 -> 7604, carol 8 -> 75 -> 65
//   (62dc60d counted no private account's posts: the walk of the viewer's follows is the feature)
/* :params {viewer_id: "01hzy0000000000000000000aa", lucene: "gra*", limit: 20} */
MATCH (v:User {id: $viewer_id})
WITH v,
     COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
WITH v, [b IN blocked WHERE b.private IS NULL OR NOT b.private] AS blocked_public,
     COLLECT {
       MATCH (v)-[:FOLLOWS]->(a:User) WHERE a.private AND a.suspended_at IS NULL AND NOT a IN blocked
       RETURN a
       UNION
       WITH v WHERE v.private
       RETURN v AS a
     } AS private_seen
CALL db.index.fulltext.queryNodes("hashtag_search", $lucene, {limit: 200}) YIELD node, score
CALL (node, blocked_public) {
  UNWIND blocked_public AS b
  MATCH (b)-[u:USES_TAG]->(node)
  RETURN sum(u.posts) AS hidden
}
CALL (node, private_seen) {
  UNWIND private_seen AS a
  MATCH (a)-[u:USES_TAG]->(node)
  RETURN sum(u.posts) AS shown
}
WITH node, score, coalesce(node.public_posts, 0) - hidden + shown AS post_count
WHERE post_count > 0
RETURN node.name AS name, post_count
ORDER BY score DESC, post_count DESC, name
LIMIT $limit
