// Title: ids of everyone in a block with the viewer, in either direction (cached in Redis for the feed's hot path)
// Suspended: the block set only; posts/views leaves out a suspended author's posts
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})-[:BLOCKS]-(b:User)
RETURN DISTINCT b.id AS id
