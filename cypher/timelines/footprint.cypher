// Title: the posts an account wrote, liked or commented on: the cached post views to drop when it is deleted
// Blocks: the caller's own content, read for cache invalidation
// Audience: the caller's own content, read for cache invalidation
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (u:User {id: $viewer_id})
RETURN COLLECT { MATCH (u)-[:POSTED]->(p:Post) RETURN p.id } AS posted,
       COLLECT { MATCH (u)-[:LIKES]->(p:Post) RETURN p.id } AS liked,
       COLLECT { MATCH (u)-[:WROTE]->(:Comment)-[:ON]->(p:Post) RETURN DISTINCT p.id } AS commented
