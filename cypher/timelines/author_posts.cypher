// Title: an author's newest post ids (from $since on, when given): the per-author list merged at read time, and what a follow adds or an unfollow removes
// Blocks: ids for Redis structures only; every read filters them through posts/viewer_state
/* :params {author_id: "01hzy0000000000000000000aa", since: null, limit: 400} */
MATCH (:User {id: $author_id})-[:POSTED]->(p:Post)
WHERE $since IS NULL OR p.id >= $since
RETURN p.id AS id
ORDER BY p.id DESC
LIMIT $limit
