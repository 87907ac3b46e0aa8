// Title: users whose username or display name starts with the query (full-text), block-filtered
/* :params {viewer_id: "01hzy0000000000000000000aa", lucene: "ali*", limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL db.index.fulltext.queryNodes("user_search", $lucene, {limit: 200}) YIELD node, score
WHERE NOT EXISTS { (v)-[:BLOCKS]-(node) } AND node.suspended_at IS NULL
  // A limited account is found by its followers (and itself) only.
  AND (node.limited_at IS NULL OR node = v OR EXISTS { (v)-[:FOLLOWS]->(node) })
RETURN node.id AS id, node.username AS username, node.display_name AS display_name,
       COLLECT { MATCH (node)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures,
       node.private AS private
ORDER BY score DESC, node.username
LIMIT $limit
