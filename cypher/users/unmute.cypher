// Title: lift the viewer's mute on a user; idempotent
// Nothing across a block (the caller answers 404).
// Suspended: a mute can always be lifted, whatever the muted account's state (nothing is read back)
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob"} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u AND NOT EXISTS { (v)-[:BLOCKS]-(u) }
OPTIONAL MATCH (v)-[m:MUTES]->(u)
DELETE m
RETURN u.id AS id
