// Title: a worker takes an import job: marks it running and returns its rows and how far it got, or nothing when it is gone, finished or replaced
/* :params {import_id: "01hzy0000000000000000000im"} */
MATCH (u:User)-[:STARTED_IMPORT]->(i:Import {id: $import_id})
WHERE i.status IN ['pending', 'running']
SET i.status = 'running', i.updated_at = datetime()
RETURN i.id AS id, u.id AS owner_id, u.username AS username, i.type AS type, i.rows AS rows,
       i.lines AS lines, i.domain AS domain, i.processed AS processed, i.followed AS followed,
       i.requested AS requested, i.blocked AS blocked, i.skipped AS skipped
