// Title: record one moderator action in the audit log (run in the transaction of the action it records)
/* :params {moderator_id: "01hzy0000000000000000000aa", action_id: "01hzy0000000000000000000ma", action: "suspend", target_type: "account", target_id: "01hzy0000000000000000000bb", reason: "spam"} */
MATCH (m:User {id: $moderator_id})
CREATE (m)-[:TOOK]->(a:ModerationAction {
  id: $action_id, action: $action, target_type: $target_type, target_id: $target_id,
  reason: $reason, at: datetime(), moderator: m.username
})
RETURN a.id AS id
