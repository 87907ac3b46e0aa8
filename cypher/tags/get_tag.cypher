// Title: a hashtag and how many of its posts the viewer may see; nothing when the viewer may see none
// O(1) in the tag's size, never walking its posts: the tag's public post count (Hashtag.public_posts,
// kept by every post write and privacy change), minus the public posts of users in a block with
// the viewer, plus the posts of private accounts the viewer may see (their own, the ones they
// follow), each expanded from the viewer's side (their blocks, their follows of private accounts).
// A tag used only on a private account's posts is unknown to everyone else.
/* :params {viewer_id: "01hzy0000000000000000000aa", tag: "sunset"} */
MATCH (v:User {id: $viewer_id}), (h:Hashtag {name: $tag})
WITH h,
     coalesce(h.public_posts, 0)
     - size(COLLECT {
         MATCH (v)-[:BLOCKS]-(b:User)-[:POSTED]->(p:Post)
         WHERE (b.private IS NULL OR NOT b.private) AND EXISTS { (p)-[:TAGGED]->(h) }
         RETURN DISTINCT p
       })
     + size(COLLECT {
         MATCH (v)-[:FOLLOWS]->(a:User)-[:POSTED]->(p:Post)
         WHERE a.private AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND EXISTS { (p)-[:TAGGED]->(h) }
         RETURN DISTINCT p
       })
     + CASE WHEN v.private THEN COUNT { (v)-[:POSTED]->(p:Post) WHERE EXISTS { (p)-[:TAGGED]->(h) } } ELSE 0 END
       AS post_count
WHERE post_count > 0
RETURN h.name AS name, post_count
