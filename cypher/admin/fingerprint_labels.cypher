// Title: how many nodes carry each label (a backup's fingerprint)
// Blocks: whole-graph maintenance (backup fingerprint), no viewer
/* :params {} */
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
