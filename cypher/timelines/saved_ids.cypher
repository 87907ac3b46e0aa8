// Title: ids of the posts a viewer saved, from $since on (kept in Redis so a page needs no graph read for `saved`)
// Blocks: the caller's own saved posts
// An ordered seek on saved_saver: the viewer's saved posts, whatever the posts' degrees.
/* :params {viewer_id: "01hzy0000000000000000000aa", since: "01hzy0000000000000000000pp"} */
MATCH ()-[s:SAVED]->() USING INDEX SEEK s:SAVED(saver, id) WHERE s.saver = $viewer_id AND s.id > ""
WITH s WHERE s.post >= $since
RETURN s.post AS id
