// Title: mark every notification up to now as read
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (me:User {id: $viewer_id})
SET me.notifications_read_at = datetime()
