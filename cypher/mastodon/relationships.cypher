// Title: the viewer's relationship with each of a list of users (Mastodon Relationship)
// `blocked` is a block either way: the caller shows the viewer's own blocks and hides the rest.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000bb"]} */
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS user_id
MATCH (u:User {id: user_id})
RETURN u.id AS id,
       EXISTS { (v)-[:FOLLOWS]->(u) } AS following,
       EXISTS { (u)-[:FOLLOWS]->(v) } AS followed_by,
       EXISTS { (v)-[:REQUESTED]->(u) } AS requested,
       EXISTS { (u)-[:REQUESTED]->(v) } AS requested_by,
       (EXISTS { (v)-[:BLOCKS]-(u) } OR u.suspended_at IS NOT NULL) AS blocked,
       EXISTS { (v)-[:BLOCKS]->(u) } AS blocking,
       EXISTS { (v)-[m:MUTES]->(u) WHERE m.until IS NULL OR m.until > datetime() } AS muting,
       EXISTS { (v)-[m:MUTES]->(u) WHERE m.notifications AND (m.until IS NULL OR m.until > datetime()) }
         AS muting_notifications
