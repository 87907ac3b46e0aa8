// Title: how many accounts and posts the instance holds (Mastodon Instance stats)
// Blocks: whole-graph totals from the count store, no content
// Audience: whole-graph totals from the count store, no content
/* :params {} */
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH (p:Post) RETURN count(p) AS posts }
RETURN users, posts
