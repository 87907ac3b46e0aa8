// Title: the moderation queue: reports, open ones first, then newest first, with the reported account, the reporter and the snapshot of each reported item
// Blocks: moderators and admins read every report, whoever it concerns
// The report keeps both usernames: it stays in the queue after either account is deleted.
/* :params {status: null, limit: 50} */
MATCH (rep:Report)
WHERE $status IS NULL OR rep.status = $status
WITH rep ORDER BY CASE rep.status WHEN 'open' THEN 0 ELSE 1 END, rep.id DESC
LIMIT $limit
OPTIONAL MATCH (rep)-[:AGAINST]->(t:User)
RETURN rep.id AS id, rep.category AS category, rep.comment AS comment, rep.status AS status,
       rep.note AS note, rep.item_ids AS item_ids, rep.snapshot AS snapshot,
       toString(rep.created_at) AS created_at, toString(rep.closed_at) AS closed_at,
       rep.reporter AS reporter, rep.account AS account,
       coalesce(t.suspended_at IS NOT NULL, false) AS account_suspended,
       coalesce(t.limited_at IS NOT NULL, false) AS account_limited
