// Title: one page of a post's comments, newest first, without authors in a block with the viewer
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id}), (w:User)-[:WROTE]->(c:Comment)-[:ON]->(:Post {id: $post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(w) }
  AND ($max_id IS NULL OR c.id < $max_id)
  AND ($since_id IS NULL OR c.id > $since_id)
  AND ($min_id IS NULL OR c.id > $min_id)
OPTIONAL MATCH (c)-[:REPLY_TO]->(parent:Comment)
RETURN c.id AS id, c.text AS text, toString(c.created_at) AS created_at, parent.id AS reply_to,
       {id: w.id, username: w.username, display_name: w.display_name} AS author
ORDER BY CASE WHEN $min_id IS NULL THEN c.id END DESC, c.id ASC
LIMIT $limit
