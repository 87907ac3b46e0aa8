// Title: ids of everyone who follows an author: whose home timelines a new post is pushed into
// Blocks: follows never cross a block (users/block deletes them), and every read filters blocks
/* :params {author_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $author_id})<-[:FOLLOWS]-(u)
RETURN u.id AS id
