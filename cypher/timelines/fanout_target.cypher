// Title: how many followers a post's author has (degree store) and whether the post still exists: decides fan-out on write or merge on read
// Blocks: no viewer; the fan-out worker pushes ids, and every read filters blocks
/* :params {author_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp"} */
MATCH (a:User {id: $author_id})
RETURN COUNT { (a)<-[:FOLLOWS]-() } AS followers,
       EXISTS { (a)-[:POSTED]->(:Post {id: $post_id}) } AS posted
