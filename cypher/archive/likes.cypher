// Title: one page of the posts the account liked, for its data archive, oldest like first after $after
// Audience: the account's own record of what it liked, ids and authors only (no caption or media), for its own data archive
// Blocks: the account's own likes, read by its export job (each post named by id and author)
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500} */
MATCH (:User {id: $user_id})-[l:LIKES]->(p:Post)
WHERE l.id > $after
WITH l, p ORDER BY l.id ASC
LIMIT $limit
OPTIONAL MATCH (a:User {id: p.author})
RETURN l.id AS cursor, p.id AS post_id, a.username AS author, toString(l.at) AS at
