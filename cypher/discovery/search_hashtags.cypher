// Title: hashtags starting with the query (full-text), with how many posts the viewer could see use them
/* :params {viewer_id: "01hzy0000000000000000000aa", lucene: "gra*", limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL db.index.fulltext.queryNodes("hashtag_search", $lucene) YIELD node, score
WITH v, node, score,
     COUNT {
       MATCH (node)<-[:TAGGED]-(:Post)<-[:POSTED]-(a:User)
       WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) }
     } AS post_count
WHERE post_count > 0
RETURN node.name AS name, post_count
ORDER BY score DESC, post_count DESC, name
LIMIT $limit
