// Title: delete a comment and every reply below it
/* :params {comment_id: "01hzy0000000000000000000c1"} */
MATCH (r:Comment)-[:REPLY_TO*0..]->(:Comment {id: $comment_id})
DETACH DELETE r
RETURN count(*) AS deleted
