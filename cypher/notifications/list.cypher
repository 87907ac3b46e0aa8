// Title: one page of the viewer's notifications, newest first, derived from the graph itself
// Likes and comments on the viewer's posts, replies to the viewer's comments, new followers,
// follow requests and mentions; nothing from a user in a block with the viewer. The id of each
// notification is the ULID of the relationship or node behind it, so it sorts by time.
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (me:User {id: $viewer_id})
CALL (me) {
  MATCH (u:User)-[l:LIKES]->(p:Post)<-[:POSTED]-(me)
  RETURN l.id AS id, "like" AS type, u, p.id AS post_id, null AS comment_id, l.at AS at
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment)-[:ON]->(p:Post)<-[:POSTED]-(me)
  RETURN c.id AS id, "comment" AS type, u, p.id AS post_id, c.id AS comment_id, c.created_at AS at
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment)-[:REPLY_TO]->(:Comment)<-[:WROTE]-(me),
        (c)-[:ON]->(p:Post)
  RETURN c.id AS id, "comment" AS type, u, p.id AS post_id, c.id AS comment_id, c.created_at AS at
  UNION
  MATCH (u:User)-[f:FOLLOWS]->(me)
  RETURN f.id AS id, "follow" AS type, u, null AS post_id, null AS comment_id, f.since AS at
  UNION
  MATCH (u:User)-[q:REQUESTED]->(me)
  RETURN q.id AS id, "follow_request" AS type, u, null AS post_id, null AS comment_id, q.at AS at
  UNION
  MATCH (u:User)-[:POSTED]->(p:Post)-[m:MENTIONS]->(me)
  RETURN p.id AS id, "mention" AS type, u, p.id AS post_id, null AS comment_id, m.at AS at
}
WITH me, id, type, u, post_id, comment_id, at
WHERE u <> me
  AND NOT EXISTS { (me)-[:BLOCKS]-(u) }
  AND ($max_id IS NULL OR id < $max_id)
  AND ($since_id IS NULL OR id > $since_id)
  AND ($min_id IS NULL OR id > $min_id)
RETURN id, type, post_id, comment_id, toString(at) AS created_at,
       {id: u.id, username: u.username, display_name: u.display_name} AS account,
       me.notifications_read_at IS NOT NULL AND at <= me.notifications_read_at AS read
ORDER BY CASE WHEN $min_id IS NULL THEN id END DESC, id ASC
LIMIT $limit
