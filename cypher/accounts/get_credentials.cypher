// Title: the password hash and role of an account, for login
// Blocks: login reads the caller's own account
/* :params {username: "alice"} */
MATCH (u:User {username: $username})
RETURN u.id AS id, u.username AS username, u.role AS role, u.password_hash AS password_hash,
       u.suspended_at IS NOT NULL AS suspended
