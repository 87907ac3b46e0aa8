// Title: how many relationships there are of each type (a backup's fingerprint)
// Blocks: whole-graph maintenance (backup fingerprint), no viewer
/* :params {} */
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
