// Title: accept a pending follow request from $username
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (me:User {id: $viewer_id})<-[q:REQUESTED]-(r:User {username: $username})
MERGE (r)-[f:FOLLOWS]->(me)
  ON CREATE SET f.since = datetime(), f.id = q.id, f.follower = r.id, f.followee = me.id
DELETE q
RETURN r.id AS id
