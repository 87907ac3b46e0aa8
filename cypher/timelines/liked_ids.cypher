// Title: ids of the posts a viewer liked, from $since on (cached in Redis so a feed page needs no graph read for `liked`)
// Blocks: the caller's own likes
// Audience: the caller's own likes; every read filters the posts through posts/viewer_state or an ids query with the guard
/* :params {viewer_id: "01hzy0000000000000000000aa", since: "01hzy0000000000000000000pp"} */
MATCH (:User {id: $viewer_id})-[:LIKES]->(p:Post)
WHERE p.id >= $since
RETURN p.id AS id
