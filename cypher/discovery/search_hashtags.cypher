// Title: hashtags starting with the query (full-text), with how many posts use them, leaving out posts of users in a block with the viewer
// The count is the tag's degree (GetDegree) minus the posts of the viewer's blocked users that
// carry it (expanded from the viewer's block list), so a tag on 100k posts costs what one on ten
// does. The full-text index hands over at most 200 candidates.
/* :params {viewer_id: "01hzy0000000000000000000aa", lucene: "gra*", limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL db.index.fulltext.queryNodes("hashtag_search", $lucene, {limit: 200}) YIELD node, score
WITH v, node, score,
     COUNT { (node)<-[:TAGGED]-() }
     - size(COLLECT {
         MATCH (v)-[:BLOCKS]-(:User)-[:POSTED]->(p:Post) WHERE EXISTS { (p)-[:TAGGED]->(node) }
         RETURN DISTINCT p
       }) AS post_count
WHERE post_count > 0
RETURN node.name AS name, post_count
ORDER BY score DESC, post_count DESC, name
LIMIT $limit
