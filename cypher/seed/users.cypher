// Title: seed a batch of users (all with the one demo password hash)
/* :params {password_hash: "$argon2id$...", rows: [{id: "01hzy0000000000000000000aa", username: "alice", display_name: "Alice", bio: "", private: false, role: "user", ts: 1700000000000}]} */
UNWIND $rows AS r
CREATE (:User {
  id: r.id, username: r.username, display_name: r.display_name, bio: r.bio, private: r.private,
  role: r.role, password_hash: $password_hash, created_at: datetime({epochMillis: r.ts})
})
