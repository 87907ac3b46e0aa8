// Title: a media item, when the viewer owns it or can see a post that shows it
/* :params {viewer_id: "01hzy0000000000000000000aa", media_id: "01hzy0000000000000000000mm"} */
MATCH (v:User {id: $viewer_id}), (m:Media {id: $media_id})
WHERE m.owner_id = v.id
   OR EXISTS {
     MATCH (a:User)-[:POSTED]->(:Post)-[:HAS_MEDIA]->(m)
     WHERE NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
       AND (NOT a.private OR a = v OR EXISTS { (v)-[:FOLLOWS]->(a) })
   }
RETURN properties(m) AS media
