// Title: users who never post, most-followed first
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {limit: 20} */
MATCH (u:User)
WHERE NOT EXISTS { (u)-[:POSTED]->(:Post) }
RETURN u.username AS username, COUNT { (u)<-[:FOLLOWS]-(:User) } AS followers,
       COUNT { (u)-[:FOLLOWS]->(:User) } AS following, toString(u.created_at) AS joined
ORDER BY followers DESC, username
LIMIT $limit
