// Title: one page of the viewer's home feed: post ids of followed accounts and their own, newest first
// Blocks remove follows, and the block check below also guards the viewer's own follow list;
// accounts the viewer mutes (until the mute ends) are left out, and so are posts for an audience
// the viewer is outside of. A post for followers of at least N days is in the feed of those who
// had followed the author for N days when it was posted (their follow's `since`), as fan-out on
// write puts it (timelines/fanout.py): someone whose follow ages past N days later sees it on the
// profile and the post's page, not in the feed (docs/home-feed.md).
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  MATCH (v)-[fw:FOLLOWS]->(a:User)
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
    AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  RETURN a, fw.since AS followed_since
  UNION
  RETURN v AS a, null AS followed_since
}
MATCH (a)-[:POSTED]->(p:Post)
WHERE ($max_id IS NULL OR p.id < $max_id)
  AND ($since_id IS NULL OR p.id > $since_id)
  AND ($min_id IS NULL OR p.id > $min_id)
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  AND (a = v OR p.audience IS NULL OR p.audience <> 'followers_for_days'
       OR followed_since <= p.created_at - duration({days: coalesce(p.audience_days, 0)}))
RETURN p.id AS id
ORDER BY CASE WHEN $min_id IS NULL THEN p.id END DESC, p.id ASC
LIMIT $limit
