// Title: the accounts the viewer mutes, with when each mute ends (epoch ms; null: never), cached in Redis for the feed's hot path
// Blocks: ids only, never shown; the feed filters blocks with its own set
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})-[m:MUTES]->(u:User)
WHERE m.until IS NULL OR m.until > datetime()
RETURN u.id AS id, m.until.epochMillis AS until_ms, m.notifications AS notifications
