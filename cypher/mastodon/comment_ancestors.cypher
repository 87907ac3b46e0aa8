// Title: the comments a comment answers, up its reply chain, oldest first (Mastodon context ancestors)
// Blocks: ids only; mastodon/comments hydrates them and drops what the viewer may not see
// The chain is as long as the thread is deep, never wider.
/* :params {comment_id: "01hzy0000000000000000000c1", limit: 200} */
MATCH (:Comment {id: $comment_id})-[:REPLY_TO*1..]->(parent:Comment)
RETURN parent.id AS id
ORDER BY id ASC
LIMIT $limit
