// Title: data migration: each liked post's newest like from someone else (notification like groups)
// Blocks: maintenance, returns no content
// posts/like and posts/unlike keep Post.last_like (and liked_by_author); graphs written before
// they did get both once, in batches. A post that has either is skipped, so a second run matches
// nothing. Run by graph.schema.apply_schema after the indexes (auto-commit transactions).
MATCH (a:User)-[:POSTED]->(p:Post)
WHERE p.last_like IS NULL AND p.liked_by_author IS NULL AND EXISTS { (p)<-[:LIKES]-() }
CALL (a, p) {
  OPTIONAL CALL (a, p) {
    MATCH (u:User)-[l:LIKES]->(p) WHERE u <> a
    RETURN l ORDER BY l.id DESC LIMIT 1
  }
  SET p.last_like = l.id, p.last_like_at = l.at,
      p.liked_by_author = CASE WHEN EXISTS { (a)-[:LIKES]->(p) } THEN true END
} IN TRANSACTIONS OF 10000 ROWS
