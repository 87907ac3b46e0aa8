// Title: engagement rate per user: likes and comments received per post per follower
// Audience: the analysts' whole-graph aggregates on the read-only copy, no viewer
// Description: (likes + comments on the user's posts) / posts / max(followers, 1), for users with at least $min_posts posts.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
// Plan: counts of FOLLOWS and POSTED read the degree store (each only ever joins a user to a
// user or a post, so the far end needs no label).
// PROFILE on 20,000 users, 932,347 relationships (bench/results/query-plans.json, best of 3 on 2
// busy cores): 4,479,013 db hits and 3.33 s before, 3,109,928 and 2.35 s after, the same rows
// (the likes and comments received still walk every post: the rate needs them for every user).
/* :params {min_posts: 1, limit: 20} */
MATCH (u:User)
WITH u, COUNT { (u)-[:POSTED]->() } AS posts
WHERE posts >= $min_posts
WITH u, posts,
     COUNT { (u)<-[:FOLLOWS]-() } AS followers,
     COUNT { (u)-[:POSTED]->(:Post)<-[:LIKES]-(:User) } AS likes,
     COUNT { (u)-[:POSTED]->(:Post)<-[:ON]-(:Comment) } AS comments
RETURN u.username AS username, posts, followers, likes, comments,
       round(toFloat(likes + comments) / posts / CASE WHEN followers > 0 THEN followers ELSE 1 END, 4)
         AS engagement_rate
ORDER BY engagement_rate DESC, username
LIMIT $limit
