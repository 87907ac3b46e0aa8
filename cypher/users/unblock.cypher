// Title: lift the viewer's block on a user (follows are not restored)
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
OPTIONAL MATCH (v)-[b:BLOCKS]->(u)
DELETE b
RETURN u.id AS id
