// Title: remove the viewer's like from a post; idempotent
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id})-[l:LIKES]->(:Post {id: $post_id})
DELETE l
