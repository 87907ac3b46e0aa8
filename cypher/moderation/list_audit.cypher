// Title: the moderation audit log, newest first: who did what to what, when and why
// Blocks: moderators and admins read every action, whoever it concerns
/* :params {before: null, limit: 50} */
// Each entry keeps the moderator's username: the log outlives a deleted moderator account.
MATCH (a:ModerationAction)
WHERE $before IS NULL OR a.id < $before
RETURN a.id AS id, a.action AS action, a.target_type AS target_type, a.target_id AS target_id,
       a.reason AS reason, toString(a.at) AS at, a.moderator AS moderator
ORDER BY a.id DESC
LIMIT $limit
