// Title: readiness probe, returns 1 when the database answers
// Blocks: readiness probe, returns no content
RETURN 1 AS ok
