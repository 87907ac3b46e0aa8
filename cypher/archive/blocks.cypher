// Title: one page of the accounts the account blocks, for its data archive, oldest block first after $after
// Blocks: the account's own block list: the blocked accounts are the content
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 1000} */
MATCH (:User {id: $user_id})-[b:BLOCKS]->(u:User)
WHERE b.id > $after
WITH b, u ORDER BY b.id ASC
LIMIT $limit
RETURN b.id AS cursor, u.username AS username, toString(b.since) AS since
