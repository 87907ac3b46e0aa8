// Title: one page of the viewer's home feed: post ids of followed accounts and their own, newest first
// Blocks remove follows, and the block check below also guards the viewer's own follow list;
// accounts the viewer mutes (until the mute ends) are left out.
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, max_id: null, since_id: null, min_id: null} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  MATCH (v)-[:FOLLOWS]->(a:User)
  WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
    AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  RETURN a
  UNION
  RETURN v AS a
}
MATCH (a)-[:POSTED]->(p:Post)
WHERE ($max_id IS NULL OR p.id < $max_id)
  AND ($since_id IS NULL OR p.id > $since_id)
  AND ($min_id IS NULL OR p.id > $min_id)
RETURN p.id AS id
ORDER BY CASE WHEN $min_id IS NULL THEN p.id END DESC, p.id ASC
LIMIT $limit
