// Title: save (bookmark) a post the viewer may see; idempotent (the post is locked first so concurrent saves MERGE once)
// `saver` and `id` (a ULID minted now) make the viewer's saved list an ordered seek (saved_saver).
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", rel_id: "01hzy0000000000000000000ss"} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED]->(p:Post {id: $post_id})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
SET p.lock_ = true
REMOVE p.lock_
MERGE (v)-[s:SAVED]->(p)
  ON CREATE SET s.id = $rel_id, s.at = datetime(), s.saver = v.id, s.post = p.id
RETURN p.id AS id
