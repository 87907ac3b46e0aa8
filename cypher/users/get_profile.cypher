// Title: a user's profile with counts and its relationship to the viewer; nothing across a block
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(u) }
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, toString(u.created_at) AS created_at,
       COUNT { (u)-[:POSTED]->(:Post) } AS post_count,
       COUNT { (u)<-[:FOLLOWS]-(:User) } AS follower_count,
       COUNT { (u)-[:FOLLOWS]->(:User) } AS following_count,
       EXISTS { (v)-[:FOLLOWS]->(u) } AS following,
       EXISTS { (u)-[:FOLLOWS]->(v) } AS followed_by,
       EXISTS { (v)-[:REQUESTED]->(u) } AS requested,
       EXISTS { (v)-[:BLOCKS]->(u) } AS blocking
