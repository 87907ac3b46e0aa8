// Title: every object key the graph's media point at (original / display variant, thumbnail, video poster)
// Blocks: whole-graph maintenance (a backup checks its media mirror holds each), no viewer
/* :params {} */
MATCH (m:Media)
UNWIND [m.key, m.thumb_key, m.poster_key] AS key
WITH key WHERE key IS NOT NULL
RETURN DISTINCT key
