// Title: delete one of the viewer's highlights (its stories stay; those past their 24 hours and in no other highlight go with the next sweep)
/* :params {viewer_id: "01hzy0000000000000000000aa", highlight_id: "01hzy0000000000000000000hh"} */
MATCH (:User {id: $viewer_id})-[:HAS_HIGHLIGHT]->(h:Highlight {id: $highlight_id})
DETACH DELETE h
RETURN $highlight_id AS id
