// Title: turn every pending follow request into a follow (an account that became public)
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (me:User {id: $viewer_id})<-[q:REQUESTED]-(r:User)
WHERE NOT me.private
MERGE (r)-[f:FOLLOWS]->(me)
  ON CREATE SET f.since = datetime(), f.id = q.id, f.follower = r.id, f.followee = me.id
DELETE q
RETURN count(*) AS accepted
