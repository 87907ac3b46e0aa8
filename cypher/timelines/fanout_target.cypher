// Title: how many followers a post's author has (degree store), whether the post still exists and whom it is for: decides fan-out on write or merge on read
// Blocks: no viewer; the fan-out worker pushes ids, and every read filters blocks
// Audience: no viewer: reads whom the post is for, to fan it out to them only
// A post for a narrower audience than everyone (`audience` not null nor "everyone") is pushed to
// the followers in its audience only (timelines/audience_ids), celebrity or not.
/* :params {author_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (a:User {id: $author_id})
OPTIONAL MATCH (a)-[:POSTED]->(p:Post {id: $post_id})
RETURN COUNT { (a)<-[:FOLLOWS]-() } AS followers, p IS NOT NULL AS posted,
       coalesce(p.audience, 'everyone') AS audience
