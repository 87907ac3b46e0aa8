// Title: one page of a hashtag's post ids, newest first, that the viewer may see
// Seeks the tagged_tag index (tag, post): the work is the page plus the posts skipped because
// their author is in a block with the viewer or private and not followed, or the viewer is
// outside their audience, never the tag's size.
// One ordered seek per direction; api/pagination.py gives the unused direction an empty range.
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   #sunset, any viewer 784 -> 1006 -> 651
// Suspended: `b` is the viewer's block list, read once; the rows' accounts (`a`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", tag: "sunset", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (v, blocked) {
  MATCH (p:Post)-[t:TAGGED]->() USING INDEX SEEK t:TAGGED(tag, post) WHERE t.tag = $tag AND t.post > $newer_than AND t.post < $older_than
  WITH * ORDER BY t.tag DESC, t.post DESC
  MATCH (a:User)-[:POSTED]->(p)
  WHERE NOT a IN blocked AND a.suspended_at IS NULL
    AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
    AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
     OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
     OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  RETURN p LIMIT $limit
  UNION ALL
  MATCH (p:Post)-[t:TAGGED]->() USING INDEX SEEK t:TAGGED(tag, post) WHERE t.tag = $tag AND t.post > $after AND t.post < $before
  WITH * ORDER BY t.tag ASC, t.post ASC
  MATCH (a:User)-[:POSTED]->(p)
  WHERE NOT a IN blocked AND a.suspended_at IS NULL
    AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
    AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
     OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
     OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  RETURN p LIMIT $limit
}
RETURN p.id AS id
ORDER BY CASE WHEN $after = "" THEN id END DESC, id ASC
