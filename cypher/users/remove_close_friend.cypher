// Title: take a user off the viewer's close friends; idempotent
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
OPTIONAL MATCH (v)-[c:CLOSE_FRIEND]->(u)
DELETE c
RETURN u.id AS id
