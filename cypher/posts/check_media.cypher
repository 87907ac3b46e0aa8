// Title: for each media id, whether the viewer owns it and it can be attached (not failed)
// Blocks: the viewer's own uploads
/* :params {viewer_id: "01hzy0000000000000000000aa", media_ids: ["01hzy0000000000000000000mm"]} */
UNWIND $media_ids AS media_id
OPTIONAL MATCH (:User {id: $viewer_id})-[:OWNS]->(m:Media {id: media_id})
RETURN media_id, m IS NOT NULL AND m.status <> "failed" AS ok
