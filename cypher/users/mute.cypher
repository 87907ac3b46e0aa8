// Title: mute a user, for `duration` seconds (0: until unmuted), with or without their notifications; idempotent, a second mute replaces the first's terms
// Nothing across a block (the caller answers 404, as for a follow). The muted account is told nothing.
/* :params {viewer_id: "01hzy0000000000000000000aa", username: "bob", rel_id: "01hzy0000000000000000000cc", duration: 0, notifications: true} */
MATCH (v:User {id: $viewer_id}), (u:User {username: $username})
WHERE v <> u AND NOT EXISTS { (v)-[:BLOCKS]-(u) } AND u.suspended_at IS NULL
MERGE (v)-[m:MUTES]->(u)
  ON CREATE SET m.id = $rel_id
SET m.since = datetime(),
    m.until = CASE WHEN $duration > 0 THEN datetime() + duration({seconds: $duration}) END,
    m.notifications = $notifications
RETURN u.id AS id, m.until.epochMillis AS until_ms
