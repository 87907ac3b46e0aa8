// Title: the most-followed public accounts, for the popular list kept in Redis
// Blocks: no viewer; each request re-checks blocks on the ids it shows (discovery/suggestions_check)
// Reads every account's follower count from the degree store (no relationship is expanded): run
// off the request path, every few minutes at most, by api/discovery/suggestions.py.
/* :params {limit: 200} */
MATCH (c:User) WHERE NOT c.private
WITH c, COUNT { (c)<-[:FOLLOWS]-() } AS followers
WHERE followers > 0
RETURN c.id AS id, followers
ORDER BY followers DESC, c.username
LIMIT $limit
