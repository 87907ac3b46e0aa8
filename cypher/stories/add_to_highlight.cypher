// Title: add some of the viewer's own stories to the end of one of their highlights, in the order given; returns how many it took and how many the highlight then holds
// The highlight is locked first: two additions at once each see the other's stories. The caller
// rolls back (graph/stories.py) when a story is not the viewer's, is gone or is in it already,
// or when the highlight would hold more than the most one keeps: nothing is half written.
/* :params {viewer_id: "01hzy0000000000000000000aa", highlight_id: "01hzy0000000000000000000hh", story_ids: ["01hzy0000000000000000000ss"]} */
MATCH (v:User {id: $viewer_id})-[:HAS_HIGHLIGHT]->(h:Highlight {id: $highlight_id})
SET h.lock_ = true
REMOVE h.lock_
WITH v, h, COLLECT { MATCH (h)-[i:INCLUDES]->(s:Story) RETURN [i.position, s.id] } AS held
WITH v, h, held, reduce(top = -1, x IN held | CASE WHEN x[0] > top THEN x[0] ELSE top END) AS last,
     [x IN held | x[1]] AS present
CALL (v, h, last, present) {
  UNWIND range(0, size($story_ids) - 1) AS k
  MATCH (v)-[:POSTED_STORY]->(s:Story {id: $story_ids[k]})
  WHERE NOT s.id IN present
  CREATE (h)-[:INCLUDES {position: last + 1 + k}]->(s)
  RETURN count(s) AS included
}
RETURN h.id AS id, included, size(present) + included AS size
