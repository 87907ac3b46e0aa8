// Title: node counts per label, read from the count store (constant time on a graph of any size)
// Blocks: seeding and its summary, no viewer
CALL db.stats.retrieve("GRAPH COUNTS") YIELD data
UNWIND data.nodes AS row
WITH row WHERE row.label IS NOT NULL
RETURN row.label AS label, row.count AS count ORDER BY label
