// Title: one of the viewer's own uploads, not expired
// Blocks: the viewer's own upload only (owner_id is the viewer), no other account's content
/* :params {viewer_id: "01hzy0000000000000000000aa", upload_id: "01hzy0000000000000000000up"} */
MATCH (up:Upload {id: $upload_id})
WHERE up.owner_id = $viewer_id AND up.expires_at > datetime()
RETURN properties(up) AS upload
