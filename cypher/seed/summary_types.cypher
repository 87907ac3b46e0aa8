// Title: relationship counts per type, read from the count store (constant time on a graph of any size)
// Blocks: seeding and its summary, no viewer
CALL db.stats.retrieve("GRAPH COUNTS") YIELD data
UNWIND data.relationships AS row
WITH row WHERE row.relationshipType IS NOT NULL AND row.startLabel IS NULL AND row.endLabel IS NULL
RETURN row.relationshipType AS type, row.count AS count ORDER BY type
