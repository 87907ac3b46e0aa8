// Title: suspend, unsuspend, limit or unlimit an account and record the action, in one transaction; returns the account (nothing when there is no such user)
/* :params {username: "bob", field: "suspended_at", on: true, moderator_id: "01hzy0000000000000000000aa", action_id: "01hzy0000000000000000000ma", action: "suspend", reason: "spam"} */
MATCH (u:User {username: $username}), (m:User {id: $moderator_id})
CALL (u) {
  WITH u WHERE $field = 'suspended_at'
  SET u.suspended_at = CASE WHEN $on THEN datetime() ELSE null END
}
CALL (u) {
  WITH u WHERE $field = 'limited_at'
  SET u.limited_at = CASE WHEN $on THEN datetime() ELSE null END
}
CREATE (m)-[:TOOK]->(:ModerationAction {
  id: $action_id, action: $action, target_type: 'account', target_id: u.id, reason: $reason,
  at: datetime(), moderator: m.username
})
RETURN u.id AS id, u.username AS username, u.suspended_at IS NOT NULL AS suspended,
       u.limited_at IS NOT NULL AS limited
