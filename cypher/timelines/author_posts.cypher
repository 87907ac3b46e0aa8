// Title: an author's newest post ids for everyone (from $since on, when given): the per-author list merged at read time into every follower's feed
// Blocks: ids for Redis structures only; every read filters them through posts/viewer_state
// A post for a narrower audience than everyone is never in the shared per-author list: fan-out
// pushes it into the timelines of the followers in its audience (timelines/audience_ids).
/* :params {author_id: "01hzy0000000000000000000aa", since: null, limit: 400} */
MATCH (:User {id: $author_id})-[:POSTED]->(p:Post)
WHERE ($since IS NULL OR p.id >= $since) AND (p.audience IS NULL OR p.audience = 'everyone')
RETURN p.id AS id
ORDER BY p.id DESC
LIMIT $limit
