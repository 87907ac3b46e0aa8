// Title: attach uploaded media to seeded posts (each row: a post id and an ordered list of media ids)
/* :params {rows: [{post: "01hzy0000000000000000000pp", media: ["01hzy0000000000000000000mm"]}]} */
UNWIND $rows AS r
MATCH (p:Post {id: r.post})
UNWIND range(0, size(r.media) - 1) AS position
MATCH (m:Media {id: r.media[position]})
MERGE (p)-[:HAS_MEDIA {position: position}]->(m)
