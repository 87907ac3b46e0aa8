// Title: the per-viewer part of post views: may the viewer see each post (blocks, privacy, its audience), do they follow its author, did they like or save it, and how many of its likes and comments come from people in a block with them
// Blocked contributors are found by expanding from the viewer's (small) block set, never from every liker or commenter, so the cost does not grow with a post's likes (issue 10).
// Suspended: posts/views, which hydrates every post, leaves out a suspended author's posts
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
UNWIND $ids AS post_id
MATCH (a:User)-[:POSTED]->(p:Post {id: post_id})
WITH v, blocked, a, p, a = v OR EXISTS { (v)-[:FOLLOWS]->(a) } AS followed
RETURN p.id AS id, a.id AS author_id,
  NOT a IN blocked AND (NOT a.private OR followed)
    AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
     OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
     OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) })) AS visible,
  followed AND NOT a IN blocked AS followed,
  EXISTS { (v)-[:LIKES]->(p) } AS liked,
  EXISTS { (v)-[:SAVED]->(p) } AS saved,
  size([b IN blocked WHERE EXISTS { (b)-[:LIKES]->(p) }]) AS hidden_likes,
  COUNT { UNWIND blocked AS b MATCH (b)-[:WROTE]->(:Comment)-[:ON]->(p) RETURN b } AS hidden_comments,
  [b IN blocked | b.id] AS blocked_ids
