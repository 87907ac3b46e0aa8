// Title: one page of the account's saved posts, for its data archive, oldest save first after $after
// Audience: the account's own record of what it saved, ids and authors only (no caption or media), for its own data archive
// Blocks: the account's own saved list, read by its export job (each post named by id and author)
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500} */
MATCH ()-[s:SAVED]->(p:Post) USING INDEX SEEK s:SAVED(saver, id) WHERE s.saver = $user_id AND s.id > $after
WITH s, p ORDER BY s.saver ASC, s.id ASC
LIMIT $limit
OPTIONAL MATCH (a:User {id: p.author})
RETURN s.id AS cursor, p.id AS post_id, a.username AS author, toString(s.at) AS at
