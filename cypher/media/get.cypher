// Title: a media item by id (the processing worker's view)
// Blocks: the processing worker's view, no viewer (viewers read media/get_visible)
/* :params {media_id: "01hzy0000000000000000000mm"} */
MATCH (m:Media {id: $media_id})
RETURN properties(m) AS media
