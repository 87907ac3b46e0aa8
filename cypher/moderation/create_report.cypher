// Title: file a report (one per reporter and set of reported things: filing it again returns the first); returns the report and whether it is new
/* :params {reporter_id: "01hzy0000000000000000000aa", report_id: "01hzy0000000000000000000rr", key: "3f1a...", target_id: "01hzy0000000000000000000bb", category: "spam", comment: "", item_ids: ["01hzy0000000000000000000pp"], snapshot: "[]"} */
MATCH (r:User {id: $reporter_id}), (t:User {id: $target_id})
MERGE (rep:Report {key: $key})
  ON CREATE SET rep.id = $report_id, rep.category = $category, rep.comment = $comment,
    rep.item_ids = $item_ids, rep.snapshot = $snapshot, rep.status = 'open',
    rep.created_at = datetime(), rep.reporter = r.username, rep.account = t.username,
    rep.new_ = true
MERGE (r)-[:FILED]->(rep)
MERGE (rep)-[:AGAINST]->(t)
WITH rep, coalesce(rep.new_, false) AS created
REMOVE rep.new_
RETURN rep.id AS id, created
