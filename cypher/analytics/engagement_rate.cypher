// Title: engagement rate per user: likes and comments received per post per follower
// Description: (likes + comments on the user's posts) / posts / max(followers, 1), for users with at least $min_posts posts.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {min_posts: 1, limit: 20} */
MATCH (u:User)
WITH u, COUNT { (u)-[:POSTED]->(:Post) } AS posts
WHERE posts >= $min_posts
WITH u, posts,
     COUNT { (u)<-[:FOLLOWS]-(:User) } AS followers,
     COUNT { (u)-[:POSTED]->(:Post)<-[:LIKES]-(:User) } AS likes,
     COUNT { (u)-[:POSTED]->(:Post)<-[:ON]-(:Comment) } AS comments
RETURN u.username AS username, posts, followers, likes, comments,
       round(toFloat(likes + comments) / posts / CASE WHEN followers > 0 THEN followers ELSE 1 END, 4)
         AS engagement_rate
ORDER BY engagement_rate DESC, username
LIMIT $limit
