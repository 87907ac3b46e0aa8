// Title: whether a comment is on the given post and visible to the viewer (a valid reply target)
// Audience: the caller checked the viewer may see the post (graph.posts.access)
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", comment_id: "01hzy0000000000000000000c1"} */
MATCH (v:User {id: $viewer_id}), (w:User)-[:WROTE]->(c:Comment {id: $comment_id})-[:ON]->(:Post {id: $post_id})
RETURN NOT EXISTS { (v)-[:BLOCKS]-(w) } AND w.suspended_at IS NULL AS ok
