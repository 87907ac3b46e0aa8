// Title: every relationship as (type, its id, start node's id, end node's id), streamed for a backup's fingerprint
// Blocks: whole-graph maintenance (backup fingerprint), no viewer
/* :params {} */
MATCH (a)-[r]->(b)
RETURN type(r) AS type, coalesce(r.id, '') AS id,
       coalesce(a.id, a.name, a.key, a.client_id, '') AS start,
       coalesce(b.id, b.name, b.key, b.client_id, '') AS end
