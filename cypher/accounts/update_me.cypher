// Title: change the caller's profile; a null parameter leaves that field as it is
/* :params {viewer_id: "01hzy0000000000000000000aa", display_name: "Alice A.", bio: null, private: true} */
// The account is locked first (as posts/create_post, edit_post and delete_post do): when it
// turns private or public, each tag its posts carry moves their number (USES_TAG.posts) out of
// or into the tag's public post count, exactly once: the work is the account's distinct tags.
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u, coalesce(u.private, false) AS was, coalesce($private, u.private, false) AS now
CALL (u, was, now) {
  WITH u, was, now WHERE was <> now
  MATCH (u)-[r:USES_TAG]->(h:Hashtag)
  SET h.public_posts = coalesce(h.public_posts, 0) + CASE WHEN now THEN -r.posts ELSE r.posts END
}
SET u.display_name = coalesce($display_name, u.display_name),
    u.bio = coalesce($bio, u.bio),
    u.private = coalesce($private, u.private)
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
