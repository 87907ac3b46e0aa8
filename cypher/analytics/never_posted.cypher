// Title: users who never post, most-followed first
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
// Plan: counts of FOLLOWS and POSTED read the degree store (each only ever joins a user to a
// user or a post, so the far end needs no label).
// PROFILE on 20,000 users, 932,347 relationships (bench/results/query-plans.json, best of 3 on 2
// busy cores): 350,446 db hits and 0.66 s before, 40,805 and 0.31 s after, the same rows.
/* :params {limit: 20} */
MATCH (u:User)
WHERE NOT EXISTS { (u)-[:POSTED]->() }
RETURN u.username AS username, COUNT { (u)<-[:FOLLOWS]-() } AS followers,
       COUNT { (u)-[:FOLLOWS]->() } AS following, toString(u.created_at) AS joined
ORDER BY followers DESC, username
LIMIT $limit
