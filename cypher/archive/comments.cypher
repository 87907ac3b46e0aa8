// Title: one page of the comments the account wrote, for its data archive, oldest first after $after
// Blocks: the account's own comments, read by its export job (the post they are on is named by id only)
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500} */
MATCH (:User {id: $user_id})-[:WROTE]->(c:Comment)
WHERE c.id > $after
WITH c ORDER BY c.id ASC
LIMIT $limit
OPTIONAL MATCH (c)-[:REPLY_TO]->(parent:Comment)
RETURN c.id AS id, c.post AS post_id, parent.id AS in_reply_to, c.text AS text,
       toString(c.created_at) AS created_at
