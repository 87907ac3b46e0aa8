// Title: whether the viewer saved a post
// Blocks: the caller checked the viewer may see the post (graph.posts.access)
// Audience: the caller checked the viewer may see the post (graph.posts.access)
// Expand(Into) between the viewer and the post: the smaller of their degrees, never every save.
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id}), (p:Post {id: $post_id})
RETURN EXISTS { (v)-[:SAVED]->(p) } AS saved
