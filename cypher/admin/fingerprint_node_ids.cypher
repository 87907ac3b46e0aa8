// Title: every node's first label and its own key (id, or name / key / client_id / namespace), streamed for a backup's fingerprint
// Blocks: whole-graph maintenance (backup fingerprint), no viewer
/* :params {} */
MATCH (n)
RETURN labels(n)[0] AS label, coalesce(n.id, n.name, n.key, n.client_id, n.namespace, '') AS key
