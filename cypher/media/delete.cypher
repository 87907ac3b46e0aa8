// Title: delete media nodes by id
/* :params {media_ids: ["01hzy0000000000000000000mm"]} */
UNWIND $media_ids AS media_id
MATCH (m:Media {id: media_id})
DETACH DELETE m
RETURN count(*) AS deleted
