// Title: which of a window of Explore post ids the viewer may still be shown, in list order
// Re-checked at read time (api/discovery/explore.py): the post exists, its author is public, not
// the viewer, not followed, in no block with the viewer, not muted by them, neither suspended nor
// limited, and the viewer is in the post's audience. One lookup per id.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS i
MATCH (a:User)-[:POSTED]->(p:Post {id: $ids[i]})
WHERE a <> v AND a.private = false
  AND NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = a.id }
  AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL AND a.limited_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
  AND (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
   OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
   OR (p.audience = 'followers_for_days'
       AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
RETURN p.id AS id
ORDER BY i
