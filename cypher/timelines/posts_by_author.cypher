// Title: which of $ids an author wrote (what an unfollow or a block takes out of a home timeline)
// Blocks: ids for Redis structures only; every read filters them through posts/viewer_state
// Audience: an unfollow or a block takes every post of the author out, whatever its audience
/* :params {author_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
UNWIND $ids AS post_id
MATCH (:User {id: $author_id})-[:POSTED]->(p:Post {id: post_id})
RETURN p.id AS id
