// Title: like a visible post; idempotent (the post is locked first so concurrent likes MERGE once)
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", rel_id: "01hzy0000000000000000000ll"} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED]->(p:Post {id: $post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) }
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
SET p.lock_ = true
REMOVE p.lock_
MERGE (v)-[l:LIKES]->(p)
  ON CREATE SET l.at = datetime(), l.id = $rel_id, l.post = p.id, l.owner = a.id
RETURN p.id AS id
