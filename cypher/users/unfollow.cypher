// Title: unfollow, or withdraw a pending request; idempotent
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb"} */
MATCH (v:User {id: $viewer_id}), (u:User {id: $user_id})
OPTIONAL MATCH (v)-[r:FOLLOWS|REQUESTED]->(u)
DELETE r
RETURN count(r) AS removed
