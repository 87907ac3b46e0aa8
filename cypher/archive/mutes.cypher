// Title: one page of the accounts the account mutes (mutes still in force), for its data archive, oldest mute first after $after
// Blocks: the account's own mute list: the muted accounts are the content
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 1000} */
MATCH (:User {id: $user_id})-[m:MUTES]->(u:User)
WHERE m.id > $after AND (m.until IS NULL OR m.until > datetime())
WITH m, u ORDER BY m.id ASC
LIMIT $limit
RETURN m.id AS cursor, u.username AS username, toString(m.since) AS since,
       toString(m.until) AS until, m.notifications AS notifications
