// Title: data migration: each hashtag's public post count (Hashtag.public_posts)
// Blocks: maintenance, returns no content
// posts/create_post, edit_post, delete_post, accounts/update_me and accounts/delete_account keep
// Hashtag.public_posts (the tag's posts by public accounts); tags written before they did (or by
// the bulk loader) get it once, in batches. A tag that has it is skipped, so a second run
// matches nothing. Run by graph.schema.apply_schema after the indexes (auto-commit transactions).
MATCH (h:Hashtag) WHERE h.public_posts IS NULL
CALL (h) {
  SET h.public_posts = COUNT {
    MATCH (h)<-[:TAGGED]-(:Post)<-[:POSTED]-(a:User) WHERE a.private IS NULL OR NOT a.private
  }
} IN TRANSACTIONS OF 1000 ROWS
