// Title: change the caller's profile; a null parameter leaves that field as it is
/* :params {viewer_id: "01hzy0000000000000000000aa", display_name: "Alice A.", bio: null, private: true} */
// The account is locked first (as posts/create_post, edit_post and delete_post do): when it
// turns private or public, each tag its posts carry moves their number out of or into the
// tag's public post count, exactly once.
MATCH (u:User {id: $viewer_id})
SET u.lock_ = true
REMOVE u.lock_
WITH u, coalesce(u.private, false) AS was, coalesce($private, u.private, false) AS now
CALL (u, was, now) {
  WITH u, was, now WHERE was <> now
  MATCH (u)-[:POSTED]->(:Post)-[:TAGGED]->(h:Hashtag)
  WITH h, count(*) AS n
  SET h.public_posts = coalesce(h.public_posts, 0) + CASE WHEN now THEN -n ELSE n END
}
SET u.display_name = coalesce($display_name, u.display_name),
    u.bio = coalesce($bio, u.bio),
    u.private = coalesce($private, u.private)
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at
