// Title: forget a refused upload and the Media item its completion recorded in this transaction
/* :params {viewer_id: "01hzy0000000000000000000aa", upload_id: "01hzy0000000000000000000up"} */
MATCH (up:Upload {id: $upload_id})
WHERE up.owner_id = $viewer_id
OPTIONAL MATCH (up)-[:BECAME]->(m:Media)
WHERE m.owner_id = $viewer_id
DETACH DELETE up, m
RETURN count(*) AS deleted
