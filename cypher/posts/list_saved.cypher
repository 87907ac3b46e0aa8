// Title: one page of the viewer's saved posts, newest saved first, leaving out posts the viewer may no longer see
// Seeks the saved_saver index (saver, id): the work is the page plus the saved posts skipped
// because their author is now in a block with the viewer, or private and not followed, or the
// viewer has left the post's audience, never the
// number saved. A deleted post took its SAVED relationship with it. One ordered seek per
// direction; api/pagination.py gives the unused direction an empty range. The cursor is the
// SAVED relationship's id (when it was saved), not the post's.
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Each row's author is found by the post's `author` (a unique-index seek, as posts/list_user_posts
// finds a user's posts), not a POSTED expand on a busy post, and the audience guard sits in a CASE
// whose first branch lets a post for everyone through (as a bare disjunction the planner re-reads
// p.audience once per alternative: 11 hits per row).
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   (the bench viewers' lists empty) 3 -> 3 -> 6: the blocks read
// A page of 21 saved posts by followed accounts (the bench graph's 30 newest of each viewer's
// followees standing in for saved ones): 596 -> 191 (typical, heavy and celebrity alike)
// Suspended: `b` is the viewer's block list, read once; the rows' accounts (`a`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (v, blocked) {
  MATCH ()-[s:SAVED]->(p:Post) USING INDEX SEEK s:SAVED(saver, id) WHERE s.saver = $viewer_id AND s.id > $newer_than AND s.id < $older_than
  WITH * ORDER BY s.saver DESC, s.id DESC
  MATCH (a:User {id: p.author})
  WHERE NOT a IN blocked AND a.suspended_at IS NULL
    AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
    AND CASE WHEN p.audience IS NULL OR p.audience = 'everyone' THEN true
      ELSE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
       OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
       OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
       OR (p.audience = 'followers_for_days'
           AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
    END
  RETURN s, p LIMIT $limit
  UNION ALL
  MATCH ()-[s:SAVED]->(p:Post) USING INDEX SEEK s:SAVED(saver, id) WHERE s.saver = $viewer_id AND s.id > $after AND s.id < $before
  WITH * ORDER BY s.saver ASC, s.id ASC
  MATCH (a:User {id: p.author})
  WHERE NOT a IN blocked AND a.suspended_at IS NULL
    AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
    AND CASE WHEN p.audience IS NULL OR p.audience = 'everyone' THEN true
      ELSE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
       OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
       OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
       OR (p.audience = 'followers_for_days'
           AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
    END
  RETURN s, p LIMIT $limit
}
RETURN s.id AS cursor, p.id AS id
ORDER BY CASE WHEN $after = "" THEN cursor END DESC, cursor ASC
