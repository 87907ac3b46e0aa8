// Title: block until every index is online, allowing as long as a bulk import's fresh store needs
// Blocks: administration, returns no content
/* :params {seconds: 1800} */
CALL db.awaitIndexes($seconds)
