// Title: reject a pending follow request from $username
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (me:User {id: $viewer_id})<-[q:REQUESTED]-(r:User {username: $username})
DELETE q
RETURN r.id AS id
