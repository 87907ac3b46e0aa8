// Title: accounts as moderators see them (Mastodon's Admin::Account): profile, role, counts, suspension and limit, whatever the moderator's own blocks
// Blocks: moderators and admins read any account, whoever it is
/* :params {ids: ["01hzy0000000000000000000aa"]} */
UNWIND $ids AS user_id
MATCH (u:User {id: user_id})
RETURN u.id AS id, u.username AS username, u.display_name AS display_name, u.bio AS bio,
       u.private AS private, coalesce(u.role, 'user') AS role,
       toString(u.created_at) AS created_at,
       u.suspended_at IS NOT NULL AS suspended, u.limited_at IS NOT NULL AS limited,
       COUNT { (u)<-[:FOLLOWS]-() } AS follower_count, COUNT { (u)-[:FOLLOWS]->() } AS following_count,
       COUNT { (u)-[:POSTED]->() } AS post_count,
       COLLECT { MATCH (u)-[:PICTURE]->(pic:Media) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} } AS pictures
