// Title: comment on a post, optionally replying to a comment on the same post; returns the comment
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", id: "01hzy0000000000000000000c1", text: "nice", reply_to: null} */
MATCH (v:User {id: $viewer_id}), (p:Post {id: $post_id})
CREATE (v)-[:WROTE]->(c:Comment {id: $id, text: $text, created_at: datetime()})-[:ON]->(p)
WITH v, c
CALL (c) {
  MATCH (parent:Comment {id: $reply_to})
  MERGE (c)-[:REPLY_TO]->(parent)
}
RETURN c.id AS id, c.text AS text, toString(c.created_at) AS created_at, $reply_to AS reply_to,
       {id: v.id, username: v.username, display_name: v.display_name} AS author
