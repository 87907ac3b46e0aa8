// Title: one page of the accounts a user follows, newest follow first, without users in a block with the viewer
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id}), (u:User {id: $user_id})-[r:FOLLOWS]->(f:User)
WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) }
  AND ($max_id IS NULL OR r.id < $max_id)
  AND ($since_id IS NULL OR r.id > $since_id)
  AND ($min_id IS NULL OR r.id > $min_id)
RETURN r.id AS cursor, f.id AS id, f.username AS username, f.display_name AS display_name,
       f.private AS private
ORDER BY CASE WHEN $min_id IS NULL THEN r.id END DESC, r.id ASC
LIMIT $limit
