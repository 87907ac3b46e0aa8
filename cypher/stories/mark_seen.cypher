// Title: record that the viewer saw a live story they may see; idempotent (the first view's time and id stay)
// The viewer's FOLLOWS of the author keeps the newest story id of the author's they have seen
// (`seen_upto`, the greatest, so seeing an older story again does not lower it): the tray
// compares it with the author's newest story to order unseen rings first (stories/tray).
// The viewer is locked, not the story: two requests of one viewer MERGE once, while the views of
// one story by many people never wait for each other.
/* :params {viewer_id: "01hzy0000000000000000000aa", story_id: "01hzy0000000000000000000ss", rel_id: "01hzy0000000000000000000sw", now: datetime("2026-01-01T00:00:00Z")} */
MATCH (v:User {id: $viewer_id}), (a:User)-[:POSTED_STORY]->(s:Story {id: $story_id})
WHERE a <> v AND s.expires_at > $now
  AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND (NOT a.private OR EXISTS { (v)-[:FOLLOWS]->(a) })
  AND (s.audience IS NULL OR s.audience = 'everyone' OR a = v
       OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
       OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
       OR (s.audience = 'followers_for_days'
           AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
SET v.lock_ = true
REMOVE v.lock_
MERGE (v)-[r:SAW]->(s)
  ON CREATE SET r.id = $rel_id, r.at = $now, r.story = s.id, r.viewer = v.id
WITH v, a, s
OPTIONAL MATCH (v)-[fo:FOLLOWS]->(a)
SET fo.seen_upto = CASE WHEN fo.seen_upto IS NULL OR fo.seen_upto < s.id THEN s.id ELSE fo.seen_upto END
RETURN s.id AS id
