// Title: one page of the viewer's home feed: post ids of followed accounts and their own, newest first
// Blocks remove follows, and the block check below also guards the viewer's own follow list;
// accounts the viewer mutes (until the mute ends) are left out, and so are posts for an audience
// the viewer is outside of. A post for followers of at least N days is in the feed of those who
// had followed the author for N days when it was posted (their follow's `since`), as fan-out on
// write puts it (timelines/fanout.py): someone whose follow ages past N days later sees it on the
// profile and the post's page, not in the feed (docs/home-feed.md).
// The viewer's blocks and live mutes (short lists) are read once and each followee tested against
// them, not a BLOCKS and a MUTES expand per followee on the viewer's busy node. The candidate
// posts are sorted by id before the audience check, which then runs on the rows in page order
// until $limit pass, not on every post of every followee.
// Cost: PROFILE db hits on the `large` graph, first page of 21, 62dc60d (before mutes, suspensions
// and audiences) -> before -> now: typical 6815 -> 19989 -> 5496, heavy 71088 -> 200914 -> 53165,
// celebrity 322 -> 1104 -> 562
// Suspended: `b` is the viewer's block list, read once; followees (`a`) are checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id})
WITH v,
  COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked,
  COLLECT { MATCH (v)-[m:MUTES]->(b:User) WHERE m.until IS NULL OR m.until > datetime() RETURN b } AS muted
CALL (v, blocked, muted) {
  MATCH (v)-[fw:FOLLOWS]->(a:User)
  WHERE NOT a IN blocked AND a.suspended_at IS NULL AND NOT a IN muted
  RETURN a, fw.since AS followed_since
  UNION
  RETURN v AS a, null AS followed_since
}
MATCH (a)-[:POSTED]->(p:Post)
WITH v, a, followed_since, p, p.id AS id
WHERE ($max_id IS NULL OR id < $max_id)
  AND ($since_id IS NULL OR id > $since_id)
  AND ($min_id IS NULL OR id > $min_id)
WITH v, a, followed_since, p, id
ORDER BY CASE WHEN $min_id IS NULL THEN id END DESC, id ASC
WHERE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  AND (a = v OR p.audience IS NULL OR p.audience <> 'followers_for_days'
       OR followed_since <= p.created_at - duration({days: coalesce(p.audience_days, 0)}))
RETURN id
ORDER BY CASE WHEN $min_id IS NULL THEN id END DESC, id ASC
LIMIT $limit
