// Title: hashtags starting with the query (full-text), with how many of their posts the viewer may see; tags the viewer may see no post of are left out
// The count is tags/get_tag's, O(1) in a tag's size: its public post count (Hashtag.public_posts)
// minus the public posts of users in a block with the viewer, plus the posts of private accounts
// the viewer may see, expanded from the viewer's side. A tag used only on a private account's
// posts is never shown to anyone else. The full-text index hands over at most 200 candidates.
/* :params {viewer_id: "01hzy0000000000000000000aa", lucene: "gra*", limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL db.index.fulltext.queryNodes("hashtag_search", $lucene, {limit: 200}) YIELD node, score
WITH v, node, score,
     coalesce(node.public_posts, 0)
     - size(COLLECT {
         MATCH (v)-[:BLOCKS]-(b:User)-[:POSTED]->(p:Post)
         WHERE (b.private IS NULL OR NOT b.private) AND EXISTS { (p)-[:TAGGED]->(node) }
         RETURN DISTINCT p
       })
     + size(COLLECT {
         MATCH (v)-[:FOLLOWS]->(a:User)-[:POSTED]->(p:Post)
         WHERE a.private AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND EXISTS { (p)-[:TAGGED]->(node) }
         RETURN DISTINCT p
       })
     + CASE WHEN v.private THEN COUNT { (v)-[:POSTED]->(p:Post) WHERE EXISTS { (p)-[:TAGGED]->(node) } } ELSE 0 END
       AS post_count
WHERE post_count > 0
RETURN node.name AS name, post_count
ORDER BY score DESC, post_count DESC, name
LIMIT $limit
