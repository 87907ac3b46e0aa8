// Title: delete Media nodes that no post uses any more; returns object keys no other Media references
/* :params {media_ids: ["01hzy0000000000000000000mm"]} */
UNWIND $media_ids AS media_id
MATCH (m:Media {id: media_id})
WHERE NOT EXISTS { ()-[:HAS_MEDIA|PICTURE]->(m) }
WITH m, [k IN [m.key, m.thumb_key, m.poster_key, m.profile_key] WHERE k IS NOT NULL] AS keys
DETACH DELETE m
WITH keys
UNWIND keys AS key
WITH DISTINCT key
WHERE NOT EXISTS {
  MATCH (o:Media) WHERE o.key = key OR o.thumb_key = key OR o.poster_key = key OR o.profile_key = key
}
RETURN collect(key) AS keys
