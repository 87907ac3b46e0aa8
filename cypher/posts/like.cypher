// Title: like a visible post; idempotent (the post is locked first so concurrent likes MERGE once)
// A new like from someone other than the author becomes the post's `last_like`: the like group of
// the author's notifications is placed by it (cypher/notifications/list.cypher). The author's own
// like only sets `liked_by_author`, so a group's count can leave it out in O(1).
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", rel_id: "01hzy0000000000000000000ll"} */
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
MERGE (v)-[l:LIKES]->(p)
  ON CREATE SET l.at = datetime(), l.id = $rel_id, l.post = p.id, l.owner = a.id
WITH v, a, p, l
CALL (v, a, p, l) {
  WITH * WHERE v <> a AND (p.last_like IS NULL OR l.id > p.last_like)
  SET p.last_like = l.id, p.last_like_at = l.at
}
CALL (v, a, p) {
  WITH * WHERE v = a
  SET p.liked_by_author = true
}
// A new like counts toward the liker's interactions with a followed author: the story tray
// orders rings by it (stories/tray).
CALL (v, a, l) {
  WITH * WHERE v <> a AND l.id = $rel_id
  MATCH (v)-[fo:FOLLOWS]->(a)
  SET fo.interactions = coalesce(fo.interactions, 0) + 1
}
RETURN p.id AS id
