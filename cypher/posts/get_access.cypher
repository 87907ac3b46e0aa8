// Title: whether a post exists, whether the viewer may see it, and whether the viewer wrote it
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED]->(p:Post {id: $post_id})
RETURN a = v AS own,
       NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
         AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) }) AS visible
