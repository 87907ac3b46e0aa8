// Title: ids of everyone with a pending follow request to the viewer (they become followers when the account turns public)
// Blocks: the caller's own follow requests; users/block deletes requests across a block
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $viewer_id})<-[:REQUESTED]-(r:User)
RETURN r.id AS id
