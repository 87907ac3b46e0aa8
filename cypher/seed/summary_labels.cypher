// Title: node counts per label
// Blocks: seeding and its summary, no viewer
CALL db.labels() YIELD label
CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS count }
RETURN label, count ORDER BY label
