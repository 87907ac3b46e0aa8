// Title: one page of a user's post ids, newest first, leaving out posts for an audience the viewer is outside of
// Blocks: the caller checked the viewer may see this user's content (graph.users.access)
// Seeks the post_author index (author, id): the work is the page plus the posts skipped for their
// audience, whatever the post count. One ordered seek per direction; api/pagination.py gives the
// unused direction an empty range. The audience guard's relationships are between the viewer and
// this one author, so they are read once (close friend, mutual follow, when the viewer followed)
// and each post tests only its own properties: no subquery per post.
// Cost (PROFILE, `large`, a typical viewer, first page of 20 of a power user's posts):
//   62dc60d (no guard) 43 db hits -> EXISTS per post 299 -> pair read once 274 (heavy 265, carol
//   296); most of the rest is reading `audience` on each post, a property most posts lack
/* :params {viewer_id: "01hzy0000000000000000000aa", user_id: "01hzy0000000000000000000bb", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (v:User {id: $viewer_id}), (a:User {id: $user_id})
WITH v, a, EXISTS { (a)-[:CLOSE_FRIEND]->(v) } AS close_friend,
     EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) } AS mutual,
     COLLECT { MATCH (v)-[f:FOLLOWS]->(a) RETURN f.since } AS follows_since
CALL (v, a, close_friend, mutual, follows_since) {
  MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = $user_id AND p.id > $newer_than AND p.id < $older_than
  WITH * ORDER BY p.author DESC, p.id DESC
  WHERE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND close_friend)
   OR (p.audience = 'mutuals' AND mutual)
   OR (p.audience = 'followers_for_days'
       AND any(since IN follows_since WHERE since <= datetime() - duration({days: coalesce(p.audience_days, 0)}))))
  RETURN p LIMIT $limit
  UNION ALL
  MATCH (p:Post) USING INDEX SEEK p:Post(author, id) WHERE p.author = $user_id AND p.id > $after AND p.id < $before
  WITH * ORDER BY p.author ASC, p.id ASC
  WHERE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
   OR (p.audience = 'close_friends' AND close_friend)
   OR (p.audience = 'mutuals' AND mutual)
   OR (p.audience = 'followers_for_days'
       AND any(since IN follows_since WHERE since <= datetime() - duration({days: coalesce(p.audience_days, 0)}))))
  RETURN p LIMIT $limit
}
RETURN p.id AS id
ORDER BY CASE WHEN $after = "" THEN id END DESC, id ASC
