// Title: resolve or dismiss a report with a note, and record the action, in one transaction; returns the report (nothing when there is no such report)
/* :params {report_id: "01hzy0000000000000000000rr", status: "resolved", note: "removed", moderator_id: "01hzy0000000000000000000aa", action_id: "01hzy0000000000000000000ma", action: "resolve"} */
MATCH (rep:Report {id: $report_id}), (m:User {id: $moderator_id})
SET rep.status = $status, rep.note = $note, rep.closed_at = datetime(), rep.closed_by = m.id
CREATE (m)-[:TOOK]->(:ModerationAction {
  id: $action_id, action: $action, target_type: 'report', target_id: rep.id, reason: $note,
  at: datetime(), moderator: m.username
})
RETURN rep.id AS id, rep.status AS status
