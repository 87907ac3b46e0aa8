// Title: delete up to $batch FOLLOWS relationships; returns how many went (benchmark reset)
/* :params {batch: 10000} */
MATCH ()-[r:FOLLOWS]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
