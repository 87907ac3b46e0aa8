// Title: a canonical listing of every node and relationship (ids, ends, properties) for fingerprinting
// Blocks: seeding and its summary, no viewer
// The password hash is left out: it is salted afresh on every run.
CALL () {
  MATCH (n) WHERE n.id IS NOT NULL OR n:Hashtag
  CALL (n) {
    UNWIND keys(n) AS key
    WITH key WHERE key <> "password_hash"
    WITH key + "=" + toString(n[key]) AS pair ORDER BY pair
    RETURN collect(pair) AS pairs
  }
  RETURN labels(n)[0] + ":" + coalesce(n.id, n.name) + reduce(s = "", p IN pairs | s + " " + p) AS item
  UNION ALL
  MATCH (a)-[r]->(b)
  CALL (r) {
    UNWIND keys(r) AS key
    WITH key + "=" + toString(r[key]) AS pair ORDER BY pair
    RETURN collect(pair) AS pairs
  }
  RETURN type(r) + ":" + coalesce(a.id, a.name) + ">" + coalesce(b.id, b.name) + reduce(s = "", p IN pairs | s + " " + p) AS item
}
RETURN item ORDER BY item
