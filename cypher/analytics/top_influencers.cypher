// Title: top influencers by followers, with the engagement their posts receive
// Audience: the analysts' whole-graph aggregates on the read-only copy, no viewer
// Description: Accounts ranked by follower count, then by likes and comments received on their posts.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
// Plan: followers come from the degree store (FOLLOWS only ever joins two users, so no label on
// the far end); likes and comments received, which walk every post, only for the accounts that
// can reach the first $limit rows (followers at least the $limit-th largest, ties kept).
// PROFILE on 20,000 users, 932,347 relationships (bench/results/query-plans.json, best of 3 on 2
// busy cores): 843,917 db hits and 0.78 s before, 41,211 and 0.43 s after, the same rows.
/* :params {limit: 10} */
MATCH (u:User)
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC
WITH collect({u: u, followers: followers}) AS ranked
WITH ranked, CASE WHEN $limit > 0 THEN coalesce(ranked[$limit - 1].followers, 0) END AS cut
UNWIND ranked AS r
WITH r WHERE r.followers >= cut
WITH r.u AS u, r.followers AS followers
WITH u, followers,
     COUNT { (u)-[:POSTED]->(:Post)<-[:LIKES]-(:User) } AS likes_received,
     COUNT { (u)-[:POSTED]->(:Post)<-[:ON]-(:Comment) } AS comments_received
RETURN u.username AS username, followers, likes_received, comments_received
ORDER BY followers DESC, likes_received + comments_received DESC, username
LIMIT $limit
