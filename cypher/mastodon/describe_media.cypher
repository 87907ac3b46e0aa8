// Title: set the alt text of a media item the viewer uploaded; returns the media item
/* :params {viewer_id: "01hzy0000000000000000000aa", media_id: "01hzy0000000000000000000mm", description: "A moth taped into a logbook"} */
MATCH (m:Media {id: $media_id})
WHERE m.owner_id = $viewer_id
SET m.description = $description
RETURN properties(m) AS media
