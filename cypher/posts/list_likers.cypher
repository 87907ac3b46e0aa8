// Title: one page of the users who liked a post, newest like first, without users in a block with the viewer
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id}), (u:User)-[l:LIKES]->(:Post {id: $post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(u) }
  AND ($max_id IS NULL OR l.id < $max_id)
  AND ($since_id IS NULL OR l.id > $since_id)
  AND ($min_id IS NULL OR l.id > $min_id)
RETURN l.id AS cursor, u.id AS id, u.username AS username, u.display_name AS display_name,
       u.private AS private
ORDER BY CASE WHEN $min_id IS NULL THEN l.id END DESC, l.id ASC
LIMIT $limit
