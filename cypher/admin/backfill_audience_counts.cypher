// Title: data migration: each author's count of posts per narrower audience (User.posts_close_friends, posts_mutuals, posts_followers_for_days)
// Blocks: maintenance, returns no content
// posts/create_post and delete_post keep the counts a profile's post count subtracts for a
// viewer outside those audiences (users/get_profile); users written before they did (or by the
// bulk loader) get them once, in batches. A user that has them is skipped, so a second run reads
// only users made since without a post. Run by graph.schema.apply_schema after the indexes.
MATCH (u:User) WHERE u.posts_close_friends IS NULL
CALL (u) {
  WITH u, COLLECT { MATCH (u)-[:POSTED]->(p:Post) WHERE p.audience IS NOT NULL AND p.audience <> "everyone" RETURN p.audience } AS limited
  SET u.posts_close_friends = size([x IN limited WHERE x = "close_friends"]),
      u.posts_mutuals = size([x IN limited WHERE x = "mutuals"]),
      u.posts_followers_for_days = size([x IN limited WHERE x = "followers_for_days"])
} IN TRANSACTIONS OF 1000 ROWS
