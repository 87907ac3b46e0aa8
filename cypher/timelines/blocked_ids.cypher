// Title: ids of everyone in a block with the viewer, in either direction (cached in Redis for the feed's hot path)
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})-[:BLOCKS]-(b:User)
RETURN DISTINCT b.id AS id
