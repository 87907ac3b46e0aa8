// Title: what a report names, as the reporter sees it now: the account, and each post and comment with its author, text and media keys (the report's snapshot)
// Audience: moderators see reported content whatever its audience
/* :params {reporter_id: "01hzy0000000000000000000aa", username: "bob", post_ids: ["01hzy0000000000000000000pp"], comment_ids: []} */
MATCH (r:User {id: $reporter_id})
OPTIONAL MATCH (t:User {username: $username})
  WHERE NOT EXISTS { (r)-[:BLOCKS]-(t) } AND t.suspended_at IS NULL
RETURN t.id AS account_id, t.username AS account,
  COLLECT {
    UNWIND $post_ids AS pid
    MATCH (a:User)-[:POSTED]->(p:Post {id: pid})
    WHERE NOT EXISTS { (r)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
      AND (NOT a.private OR a = r OR EXISTS { (r)-[:FOLLOWS]->(a) })
    RETURN {type: 'post', id: p.id, author_id: a.id, author: a.username, text: p.caption,
            created_at: toString(p.created_at),
            media: COLLECT { MATCH (p)-[h:HAS_MEDIA]->(m:Media)
                             RETURN m.key ORDER BY h.position }}
  } AS posts,
  COLLECT {
    UNWIND $comment_ids AS cid
    MATCH (a:User)-[:WROTE]->(c:Comment {id: cid})-[:ON]->(p:Post)<-[:POSTED]-(o:User)
    WHERE NOT EXISTS { (r)-[:BLOCKS]-(a) } AND NOT EXISTS { (r)-[:BLOCKS]-(o) }
      AND a.suspended_at IS NULL AND o.suspended_at IS NULL
      AND (NOT o.private OR o = r OR EXISTS { (r)-[:FOLLOWS]->(o) })
    RETURN {type: 'comment', id: c.id, author_id: a.id, author: a.username, text: c.text,
            post_id: p.id, created_at: toString(c.created_at), media: []}
  } AS comments
