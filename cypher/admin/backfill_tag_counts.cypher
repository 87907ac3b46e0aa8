// Title: data migration: each hashtag's public post count (Hashtag.public_posts) and each author's USES_TAG count
// Blocks: maintenance, returns no content
// posts/create_post, edit_post, delete_post, accounts/update_me and accounts/delete_account keep
// Hashtag.public_posts (the tag's posts by public accounts) and (:User)-[:USES_TAG {posts}]->
// (:Hashtag) (how many of the user's posts carry it), both leaving out posts for a narrower
// audience than everyone; tags written before they did (or by the
// bulk loader) get both once, in batches. A tag that has its count is skipped, so a second run
// matches nothing. Run by graph.schema.apply_schema after the indexes (auto-commit transactions).
MATCH (h:Hashtag) WHERE h.public_posts IS NULL
CALL (h) {
  OPTIONAL CALL (h) {
    MATCH (h)<-[:TAGGED]-(p:Post)<-[:POSTED]-(a:User)
    WHERE coalesce(p.audience, "everyone") = "everyone"
    WITH a, count(*) AS n
    MERGE (a)-[u:USES_TAG]->(h)
    SET u.posts = n
    RETURN sum(CASE WHEN a.private THEN 0 ELSE n END) AS public
  }
  SET h.public_posts = coalesce(public, 0)
} IN TRANSACTIONS OF 5 ROWS
