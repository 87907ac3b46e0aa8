// Title: every media item with its object keys (the sweep checks each exists)
// Blocks: the sweep's maintenance view, no viewer
MATCH (m:Media)
RETURN m.id AS id, m.status AS status, [k IN [m.key, m.thumb_key, m.poster_key, m.profile_key] WHERE k IS NOT NULL] AS keys,
       EXISTS { ()-[:HAS_MEDIA|PICTURE]->(m) } AS attached
