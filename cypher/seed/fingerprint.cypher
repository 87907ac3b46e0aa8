// Title: a canonical listing of every node id and relationship (type, ends, id) for fingerprinting
// Blocks: seeding and its summary, no viewer
CALL () {
  MATCH (n) WHERE n.id IS NOT NULL OR n:Hashtag
  RETURN labels(n)[0] + ":" + coalesce(n.id, n.name) + ":" + coalesce(n.username, "") AS item
  UNION ALL
  MATCH (a)-[r]->(b)
  RETURN type(r) + ":" + coalesce(a.id, a.name) + ">" + coalesce(b.id, b.name) + ":" + coalesce(r.id, "") AS item
}
RETURN item ORDER BY item
