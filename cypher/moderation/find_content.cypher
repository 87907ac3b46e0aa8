// Title: the author of a post or comment a moderator acts on, and the post a comment is on
// Blocks: moderators act on any content, whoever wrote it
// Audience: moderators see reported content whatever its audience
/* :params {post_id: null, comment_id: "01hzy0000000000000000000cc"} */
OPTIONAL MATCH (pa:User)-[:POSTED]->(p:Post {id: $post_id})
OPTIONAL MATCH (ca:User)-[:WROTE]->(c:Comment {id: $comment_id})-[:ON]->(cp:Post)
WITH coalesce(pa, ca) AS author, coalesce(p, cp) AS post
WHERE author IS NOT NULL
RETURN author.id AS author_id, post.id AS post_id
