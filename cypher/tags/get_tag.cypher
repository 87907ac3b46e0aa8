// Title: a hashtag and how many posts use it, leaving out posts of users in a block with the viewer
// The tag's degree (GetDegree) minus the blocked users' posts that carry it: O(1) in the tag's size.
/* :params {viewer_id: "01hzy0000000000000000000aa", tag: "sunset"} */
MATCH (v:User {id: $viewer_id}), (h:Hashtag {name: $tag})
RETURN h.name AS name,
       COUNT { (h)<-[:TAGGED]-() }
       - size(COLLECT {
           MATCH (v)-[:BLOCKS]-(:User)-[:POSTED]->(p:Post) WHERE EXISTS { (p)-[:TAGGED]->(h) }
           RETURN DISTINCT p
         }) AS post_count
