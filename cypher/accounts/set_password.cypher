// Title: replace an account's password hash
/* :params {viewer_id: "01hzy0000000000000000000aa", password_hash: "$argon2id$..."} */
MATCH (u:User {id: $viewer_id})
SET u.password_hash = $password_hash, u.password_changed_at = datetime()
RETURN u.id AS id
