// Title: one page of the account's own posts for its data archive, oldest first after $after, each with its media in order
// Audience: the account's own content, read for its own data archive
// Blocks: the account's own posts, read by its export job
// Seeks the post_author index (author, id): one page costs the page, however many posts.
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500} */
MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = $user_id AND p.id > $after
WITH p ORDER BY p.author ASC, p.id ASC
LIMIT $limit
RETURN p.id AS id, p.caption AS caption, toString(p.created_at) AS created_at,
       toString(p.edited_at) AS edited_at,
       COLLECT {
         MATCH (p)-[h:HAS_MEDIA]->(m:Media)
         RETURN m {.id, .kind, .key, .content_type, .description, .width, .height, .duration,
                   .bytes, position: h.position}
         ORDER BY h.position
       } AS media,
       COUNT { (p)<-[:LIKES]-() } AS likes, COUNT { (p)<-[:ON]-() } AS comments
