// Title: every accepted follow as a (follower id, followed id) pair: the follow graph, projected in one stream for `graphgram analytics run`
// Blocks: analysts' whole-graph projection on the analytics copy, no viewer
/* :params {} */
MATCH (a:User)-[:FOLLOWS]->(b:User)
RETURN a.id AS src, b.id AS dst
