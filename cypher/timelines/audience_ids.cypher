// Title: ids of the followers in a post's audience, as one list: whose home timelines a post for a narrower audience than everyone is pushed into (empty for a post for everyone)
// Blocks: follows never cross a block (users/block deletes them), and every read filters blocks
// Audience: no viewer: lists the post's audience itself, for fan-out
// Close friends and mutuals who follow the author; followers of at least N days when the post was
// made (the feed's rule, feed/home). Bounded by the author's list or follows, as follower_ids is.
/* :params {author_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (a:User {id: $author_id})-[:POSTED]->(p:Post {id: $post_id})
RETURN CASE p.audience
  WHEN 'close_friends' THEN
    COLLECT { MATCH (a)-[:CLOSE_FRIEND]->(u:User) WHERE EXISTS { (u)-[:FOLLOWS]->(a) } RETURN u.id }
  WHEN 'mutuals' THEN
    COLLECT { MATCH (a)-[:FOLLOWS]->(u:User) WHERE EXISTS { (u)-[:FOLLOWS]->(a) } RETURN u.id }
  WHEN 'followers_for_days' THEN
    COLLECT {
      MATCH (u:User)-[fw:FOLLOWS]->(a)
      WHERE fw.since <= p.created_at - duration({days: coalesce(p.audience_days, 0)})
      RETURN u.id
    }
  ELSE []
END AS ids
