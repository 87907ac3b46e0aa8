// Title: one page of pending follow requests to the viewer, newest first
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (me:User {id: $viewer_id})<-[q:REQUESTED]-(r:User)
WHERE NOT EXISTS { (me)-[:BLOCKS]-(r) }
  AND ($max_id IS NULL OR q.id < $max_id)
  AND ($since_id IS NULL OR q.id > $since_id)
  AND ($min_id IS NULL OR q.id > $min_id)
RETURN q.id AS cursor, r.id AS id, r.username AS username, r.display_name AS display_name,
       r.private AS private
ORDER BY CASE WHEN $min_id IS NULL THEN q.id END DESC, q.id ASC
LIMIT $limit
