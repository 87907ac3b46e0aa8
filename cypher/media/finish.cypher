// Title: store the outcome of processing a media item (ready with its metadata, or failed)
/* :params {media_id: "01hzy0000000000000000000mm", changes: {status: "ready", duration: 3.2, width: 640, height: 360, poster_key: "poster/ab.webp"}} */
MATCH (m:Media {id: $media_id})
SET m += $changes
RETURN properties(m) AS media
