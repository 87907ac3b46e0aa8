// Title: a user by id, whether the viewer may see them (no block) and their content (public, self or followed), and whether the viewer blocks them
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb"} */
MATCH (v:User {id: $viewer_id}), (u:User {id: $user_id})
WITH v, u, (EXISTS { (v)-[:BLOCKS]-(u) } OR u.suspended_at IS NOT NULL) AS blocked
RETURN u.id AS id, u.username AS username, NOT blocked AS visible,
       NOT blocked AND (NOT u.private OR u = v OR EXISTS { (v)-[:FOLLOWS]->(u) }) AS content_visible,
       EXISTS { (v)-[:BLOCKS]->(u) } AS blocking
