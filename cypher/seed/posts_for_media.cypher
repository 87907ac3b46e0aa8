// Title: the newest posts of public accounts with their authors' ids (which seeded posts get pictures)
// Blocks: seeding and its summary, no viewer
// Audience: the demo-graph generator, no viewer
/* :params {limit: 200} */
MATCH (u:User {private: false})-[:POSTED]->(p:Post)
RETURN p.id AS post, u.id AS author, p.caption AS caption
ORDER BY p.id DESC
LIMIT $limit
