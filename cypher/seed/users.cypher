// Title: seed a batch of users (all with the one demo password hash)
// Rows are lists [id, username, display_name, bio, private, role, epoch millis]: smaller on the wire than maps.
/* :params {password_hash: "$argon2id$...", rows: [["01hzy0000000000000000000aa", "alice", "Alice", "", false, "user", 1700000000000]]} */
UNWIND $rows AS r
CREATE (:User {
  id: r[0], username: r[1], display_name: r[2], bio: r[3], private: r[4],
  role: r[5], password_hash: $password_hash, created_at: datetime({epochMillis: r[6]})
})
