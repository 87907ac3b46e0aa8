// Title: delete up to $batch nodes with their relationships; returns how many were deleted
/* :params {batch: 10000} */
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
