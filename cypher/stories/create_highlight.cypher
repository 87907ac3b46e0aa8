// Title: keep some of the viewer's own stories on their profile as a titled highlight, in the order given; returns the highlight and how many of the stories it took
// The caller compares `included` with the ids it passed and rolls the transaction back when a
// story is not the viewer's or is gone (graph/stories.py): nothing is half written.
/* :params {viewer_id: "01hzy0000000000000000000aa", id: "01hzy0000000000000000000hh", title: "summer", story_ids: ["01hzy0000000000000000000ss"], now: datetime("2026-01-01T00:00:00Z")} */
MATCH (v:User {id: $viewer_id})
CREATE (v)-[:HAS_HIGHLIGHT]->(h:Highlight {id: $id, owner: v.id, title: $title, created_at: $now})
WITH v, h
CALL (v, h) {
  UNWIND range(0, size($story_ids) - 1) AS position
  MATCH (v)-[:POSTED_STORY]->(s:Story {id: $story_ids[position]})
  CREATE (h)-[:INCLUDES {position: position}]->(s)
  RETURN count(s) AS included
}
RETURN h.id AS id, included
