// Title: who to follow, sampled: accounts the viewer's newest followees follow, ranked by mutual connections, with up to 3 of them by name
// Bounded whatever the degrees: the viewer's newest $followees follows, then each one's newest
// $per_followee follows (both ordered seeks on follows_follower), so at most followees ×
// per_followee candidates are ranked, and the checks (followed already: one follows_pair lookup;
// requested; a block either way) run in rank order only until the page is full. The API runs it
// on the request path with small bounds when the viewer has no precomputed list, and with larger
// ones off the request path to fill that list (api/discovery/suggestions.py). `following` (degree
// store) tells a reader of the list whether the viewer has followed or unfollowed since.
/* :params {viewer_id: "01hzy0000000000000000000aa", followees: 20, per_followee: 20, limit: 20} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  CALL (v) {
    MATCH ()-[r:FOLLOWS]->(f:User) USING INDEX SEEK r:FOLLOWS(follower, id)
    WHERE r.follower = $viewer_id AND r.id < "~"
    WITH r, f ORDER BY r.follower DESC, r.id DESC
    WHERE NOT EXISTS { (v)-[:BLOCKS]-(f) } AND f.suspended_at IS NULL
    RETURN f LIMIT $followees
  }
  CALL (f) {
    MATCH ()-[s:FOLLOWS]->(c:User) USING INDEX SEEK s:FOLLOWS(follower, id)
    WHERE s.follower = f.id AND s.id < "~"
    WITH s, c ORDER BY s.follower DESC, s.id DESC
    RETURN c LIMIT $per_followee
  }
  WITH v, f, c WHERE c <> v
  WITH v, c, f ORDER BY f.username
  WITH v, c, collect(f.username) AS via
  WITH v, c, via ORDER BY size(via) DESC, c.username
  WHERE NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = c.id }
    AND NOT EXISTS { (v)-[:REQUESTED]->(c) }
    AND NOT EXISTS { (v)-[:BLOCKS]-(c) } AND c.suspended_at IS NULL AND c.limited_at IS NULL
  WITH c, via LIMIT $limit
  RETURN collect({id: c.id, username: c.username, display_name: c.display_name,
                  private: c.private, mutuals: size(via), names: via[0..3]}) AS suggestions
}
RETURN COUNT { (v)-[:FOLLOWS]->() } AS following, suggestions
