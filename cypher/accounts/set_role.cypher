// Title: set an account's role (user, analyst, moderator, admin); returns the account, or nothing when there is no such user
/* :params {username: "alice", role: "moderator"} */
MATCH (u:User {username: $username})
SET u.role = $role
RETURN u.id AS id, u.username AS username, u.role AS role
