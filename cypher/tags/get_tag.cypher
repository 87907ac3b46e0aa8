// Title: a hashtag and how many of its posts the viewer may see; nothing when the viewer may see none
// Never walks a tag's posts, nor anyone's: the tag's public post count (Hashtag.public_posts),
// minus what the public accounts in a block with the viewer put in it, plus what the private
// accounts the viewer may see put in it (their own account, the private accounts they follow):
// each author's share is its USES_TAG count, found between the author and the tag by
// Expand(Into). The work is the viewer's blocks and follows, whatever the tag's size.
// A tag used only on a private account's posts is unknown to everyone else.
// Suspended: `b` only takes blocked people out of a count; a suspended account's share of it stays (docs/moderation.md)
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   #sunset: typical 8 -> 744 -> 646, heavy (2,000 follows) 8 -> 9742 -> 7605, carol 8 -> 76 -> 66
//   (62dc60d counted no private account's posts: the walk of the viewer's follows is the feature)
/* :params {viewer_id: "01hzy0000000000000000000aa", tag: "sunset"} */
MATCH (v:User {id: $viewer_id}), (h:Hashtag {name: $tag})
WITH v, h,
     COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
WITH v, h, [b IN blocked WHERE b.private IS NULL OR NOT b.private] AS blocked_public,
     COLLECT {
       MATCH (v)-[:FOLLOWS]->(a:User) WHERE a.private AND a.suspended_at IS NULL AND NOT a IN blocked
       RETURN a
       UNION
       WITH v WHERE v.private
       RETURN v AS a
     } AS private_seen
CALL (h, blocked_public) {
  UNWIND blocked_public AS b
  MATCH (b)-[u:USES_TAG]->(h)
  RETURN sum(u.posts) AS hidden
}
CALL (h, private_seen) {
  UNWIND private_seen AS a
  MATCH (a)-[u:USES_TAG]->(h)
  RETURN sum(u.posts) AS shown
}
WITH h, coalesce(h.public_posts, 0) - hidden + shown AS post_count
WHERE post_count > 0
RETURN h.name AS name, post_count
