// Title: delete up to $batch relationships; returns how many were deleted
// Relationships go first, in bounded batches, so wiping a graph with celebrity nodes (100k+
// relationships each) never needs one huge transaction.
/* :params {batch: 10000} */
MATCH ()-[r]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
