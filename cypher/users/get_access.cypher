// Title: whether the viewer may see a user at all (no block) and their content (public, self or followed)
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WITH v, u, (EXISTS { (v)-[:BLOCKS]-(u) } OR u.suspended_at IS NOT NULL) AS blocked
RETURN u.id AS id, NOT blocked AS visible,
       NOT blocked AND (NOT u.private OR u = v OR EXISTS { (v)-[:FOLLOWS]->(u) }) AS content_visible
