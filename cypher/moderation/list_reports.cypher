// Title: the moderation queue: reports, open ones first, then newest first, with the reported account, the reporter and the snapshot of each reported item
// Blocks: moderators and admins read every report, whoever it concerns
/* :params {status: null, limit: 50} */
MATCH (reporter:User)-[:FILED]->(rep:Report)-[:AGAINST]->(t:User)
WHERE $status IS NULL OR rep.status = $status
RETURN rep.id AS id, rep.category AS category, rep.comment AS comment, rep.status AS status,
       rep.note AS note, rep.item_ids AS item_ids, rep.snapshot AS snapshot,
       toString(rep.created_at) AS created_at, toString(rep.closed_at) AS closed_at,
       reporter.username AS reporter, t.username AS account, t.id AS account_id,
       t.suspended_at IS NOT NULL AS account_suspended, t.limited_at IS NOT NULL AS account_limited
ORDER BY CASE rep.status WHEN 'open' THEN 0 ELSE 1 END, rep.id DESC
LIMIT $limit
