// Title: create an account; fails with a constraint error when the username is taken
/* :params {id: "01hzy0000000000000000000aa", username: "alice", display_name: "Alice", password_hash: "$argon2id$...", role: "user"} */
CREATE (u:User {
  id: $id, username: $username, display_name: $display_name, bio: "", private: false,
  password_hash: $password_hash, role: $role, created_at: datetime()
})
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, u.role AS role, toString(u.created_at) AS created_at
