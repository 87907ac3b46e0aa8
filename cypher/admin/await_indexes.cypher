// Title: block until every index is online (or the timeout in seconds passes)
/* :params {seconds: 60} */
CALL db.awaitIndexes($seconds)
