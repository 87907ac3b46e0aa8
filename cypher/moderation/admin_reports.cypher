// Title: reports for Mastodon's admin API (`/api/v1/admin/reports`): one by id, or one page of open (or closed) ones, newest first, each with the reporter's and the reported account's moderator view
// Blocks: moderators and admins read every report and both accounts, whoever they are
// One page: newest first between newer_than and older_than, or oldest first from `after`
// (min_id), as api/pagination.py gives them; `report_id` looks one report up whatever its state.
/* :params {report_id: null, resolved: false, limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (rep:Report)
WHERE CASE WHEN $report_id IS NULL
        THEN (rep.status <> 'open') = $resolved
             AND ((rep.id > $newer_than AND rep.id < $older_than) OR (rep.id > $after AND rep.id < $before))
        ELSE rep.id = $report_id END
WITH rep ORDER BY CASE WHEN $after = "" THEN rep.id END DESC, rep.id ASC
LIMIT $limit
OPTIONAL MATCH (reporter:User)-[:FILED]->(rep)
OPTIONAL MATCH (rep)-[:AGAINST]->(target:User)
RETURN rep.id AS id, rep.category AS category, rep.comment AS comment, rep.status AS status,
       rep.note AS note, rep.item_ids AS item_ids, rep.snapshot AS snapshot,
       toString(rep.created_at) AS created_at, toString(rep.closed_at) AS closed_at,
       rep.reporter AS reporter_username, rep.account AS target_username,
       reporter.id AS reporter_id, target.id AS target_id
