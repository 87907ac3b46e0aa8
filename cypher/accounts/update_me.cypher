// Title: change the caller's profile; a null parameter leaves that field as it is
/* :params {viewer_id: "01hzy0000000000000000000aa", display_name: "Alice A.", bio: null, private: true} */
MATCH (u:User {id: $viewer_id})
SET u.display_name = coalesce($display_name, u.display_name),
    u.bio = coalesce($bio, u.bio),
    u.private = coalesce($private, u.private)
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at
