// Title: every like and every comment as a (who, whose post) pair: the interaction graph, projected in one stream for `graphgram analytics run --graph interactions`
// Blocks: analysts' whole-graph projection on the analytics copy, no viewer
// Audience: analysts' whole-graph projection returns account ids only, no content, no viewer
// One row per like and per comment, so two accounts that interact often are joined by as many
// edges (PageRank weighs them; community detection joins them). Interactions with one's own
// posts are left out.
/* :params {} */
MATCH (u:User)-[:LIKES]->(:Post)<-[:POSTED]-(a:User)
WHERE a <> u
RETURN u.id AS src, a.id AS dst
UNION ALL
MATCH (u:User)-[:WROTE]->(:Comment)-[:ON]->(:Post)<-[:POSTED]-(a:User)
WHERE a <> u
RETURN u.id AS src, a.id AS dst
