// Title: full post views for a list of ids, as the viewer may see them (order kept, hidden ones dropped)
// Counts and lists leave out likers, commenters and mentions in a block with the viewer.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000pp"]} */
MATCH (v:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS i
MATCH (a:User)-[:POSTED]->(p:Post {id: $ids[i]})
WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) }
  AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
RETURN i,
  p.id AS id, p.caption AS caption, toString(p.created_at) AS created_at,
  {id: a.id, username: a.username, display_name: a.display_name} AS author,
  COLLECT { MATCH (p)-[r:HAS_MEDIA]->(m:Media) RETURN properties(m) ORDER BY r.position } AS media,
  COLLECT { MATCH (p)-[:TAGGED]->(h:Hashtag) RETURN h.name ORDER BY h.name } AS hashtags,
  COLLECT {
    MATCH (p)-[:MENTIONS]->(m:User) WHERE NOT EXISTS { (v)-[:BLOCKS]-(m) }
    RETURN m.username ORDER BY m.username
  } AS mentions,
  COUNT { MATCH (l:User)-[:LIKES]->(p) WHERE NOT EXISTS { (v)-[:BLOCKS]-(l) } } AS like_count,
  EXISTS { (v)-[:LIKES]->(p) } AS liked,
  COUNT {
    MATCH (w:User)-[:WROTE]->(:Comment)-[:ON]->(p) WHERE NOT EXISTS { (v)-[:BLOCKS]-(w) }
  } AS comment_count
ORDER BY i
