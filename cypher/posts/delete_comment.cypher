// Title: delete a comment and every reply below it
/* :params {comment_id: "01hzy0000000000000000000c1"} */
// Lock the comment before reading its replies: a reply being written waits, or is seen here.
MATCH (top:Comment {id: $comment_id})
SET top.lock_ = true
REMOVE top.lock_
WITH top
MATCH (r:Comment)-[:REPLY_TO*0..]->(top)
DETACH DELETE r
RETURN count(*) AS deleted
