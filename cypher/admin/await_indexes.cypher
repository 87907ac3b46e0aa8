// Title: block until every index is online (or the timeout in seconds passes)
// Blocks: administration, returns no content
/* :params {seconds: 60} */
CALL db.awaitIndexes($seconds)
