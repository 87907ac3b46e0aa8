// Title: a canonical listing of every node and relationship (ids, ends, properties) for fingerprinting
// Blocks: seeding and its summary, no viewer
// The password hash is left out: it is salted afresh on every run. List properties (a story
// author's kept values per audience class) are listed item by item: toString() of a list is null.
CALL () {
  MATCH (n) WHERE n.id IS NOT NULL OR n:Hashtag
  CALL (n) {
    UNWIND keys(n) AS key
    WITH key, n[key] AS v WHERE key <> "password_hash"
    WITH key + "=" + CASE WHEN v IS :: LIST<ANY>
                       THEN "[" + reduce(s = "", x IN v | s + toString(x) + ",") + "]"
                       ELSE toString(v) END AS pair ORDER BY pair
    RETURN collect(pair) AS pairs
  }
  RETURN labels(n)[0] + ":" + coalesce(n.id, n.name) + reduce(s = "", p IN pairs | s + " " + p) AS item
  UNION ALL
  MATCH (a)-[r]->(b)
  CALL (r) {
    UNWIND keys(r) AS key
    WITH key, r[key] AS v
    WITH key + "=" + CASE WHEN v IS :: LIST<ANY>
                       THEN "[" + reduce(s = "", x IN v | s + toString(x) + ",") + "]"
                       ELSE toString(v) END AS pair ORDER BY pair
    RETURN collect(pair) AS pairs
  }
  RETURN type(r) + ":" + coalesce(a.id, a.name) + ">" + coalesce(b.id, b.name) + reduce(s = "", p IN pairs | s + " " + p) AS item
}
RETURN item ORDER BY item
