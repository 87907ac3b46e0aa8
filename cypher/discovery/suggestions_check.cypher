// Title: the accounts among precomputed suggestions the viewer may still be shown, in list order
// Re-checked at read time on a window of the viewer's list (api/discovery/suggestions.py): not
// the viewer, not followed (one follows_pair lookup) or requested yet, no block either way, and
// public when $public_only (the popular list). `following` (degree store) tells the caller whether
// the viewer's follows changed since the list was computed; `followers` ranks the popular list;
// `pictures` (avatars) for the page, so the route needs no second read.
/* :params {viewer_id: "01hzy0000000000000000000aa", ids: ["01hzy0000000000000000000bb"], public_only: false} */
MATCH (v:User {id: $viewer_id})
CALL (v) {
  UNWIND range(0, size($ids) - 1) AS i
  MATCH (c:User {id: $ids[i]})
  WHERE c <> v AND (NOT $public_only OR NOT c.private)
    AND NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = c.id }
    AND NOT EXISTS { (v)-[:REQUESTED]->(c) }
    AND NOT EXISTS { (v)-[:BLOCKS]-(c) } AND c.suspended_at IS NULL AND c.limited_at IS NULL
  WITH i, c ORDER BY i
  RETURN collect({id: c.id, username: c.username, display_name: c.display_name,
                  private: c.private, followers: COUNT { (c)<-[:FOLLOWS]-() },
                  pictures: COLLECT { MATCH (c)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }}) AS accounts
}
RETURN COUNT { (v)-[:FOLLOWS]->() } AS following, accounts
