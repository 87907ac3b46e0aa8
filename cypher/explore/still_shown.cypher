// Title: which of a window of Explore post ids the viewer may still be shown, in list order
// Re-checked at read time (api/discovery/explore.py): the post exists, its author is public, not
// the viewer, not followed, in no block with the viewer, not muted by them, neither suspended nor
// limited, and the viewer is in the post's audience. One lookup per id.
// The viewer's blocks and live mutes (short lists) are read once and each id's author tested
// against them, and the author is found by the post's `author` (a unique-index seek, as
// posts/list_user_posts finds a user's posts): no BLOCKS, MUTES or POSTED expand per id, each of
// which costs 10-20 db hits on a busy node. The audience guard sits in a CASE whose first branch
// lets a post for everyone through: as a bare disjunction the planner re-reads p.audience once
// per alternative (11 hits per id).
// Cost: PROFILE db hits on the `large` graph, a window of 40 ids of the viewer's kept list,
// before -> now: typical 2567 -> 408, heavy 2719 -> 408, celebrity 2642 -> 408
// Suspended: `b` is the viewer's block list, read once; each id's author (`a`) is checked for suspension beside the test against it
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
WITH v,
  COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked,
  COLLECT { MATCH (v)-[m:MUTES]->(b:User) WHERE m.until IS NULL OR m.until > datetime() RETURN b } AS muted
UNWIND range(0, size($ids) - 1) AS i
MATCH (p:Post {id: $ids[i]})
MATCH (a:User {id: p.author})
WHERE a <> v AND a.private = false
  AND NOT a IN blocked AND NOT a IN muted AND a.suspended_at IS NULL AND a.limited_at IS NULL
  AND NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = a.id }
  AND CASE WHEN p.audience IS NULL OR p.audience = 'everyone' THEN true
    ELSE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
     OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
     OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  END
RETURN p.id AS id
ORDER BY i
