// Title: top influencers by followers, with the engagement their posts receive
// Description: Accounts ranked by follower count, then by likes and comments received on their posts.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {limit: 10} */
MATCH (u:User)
WITH u,
     COUNT { (u)<-[:FOLLOWS]-(:User) } AS followers,
     COUNT { (u)-[:POSTED]->(:Post)<-[:LIKES]-(:User) } AS likes_received,
     COUNT { (u)-[:POSTED]->(:Post)<-[:ON]-(:Comment) } AS comments_received
RETURN u.username AS username, followers, likes_received, comments_received
ORDER BY followers DESC, likes_received + comments_received DESC, username
LIMIT $limit
