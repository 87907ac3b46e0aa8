// Title: one page of post ids by a user, newest first (visibility is checked by the caller)
// Blocks: ids only; the caller checks users/get_access, and posts/hydrate filters blocks
/* :params {user_id: "01hzy0000000000000000000bb", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (:User {id: $user_id})-[:POSTED]->(p:Post)
WHERE ($max_id IS NULL OR p.id < $max_id)
  AND ($since_id IS NULL OR p.id > $since_id)
  AND ($min_id IS NULL OR p.id > $min_id)
RETURN p.id AS id
ORDER BY CASE WHEN $min_id IS NULL THEN p.id END DESC, p.id ASC
LIMIT $limit
