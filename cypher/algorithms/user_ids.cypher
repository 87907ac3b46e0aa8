// Title: every user's id (the follow graph's vertices, followers or not)
// Blocks: analysts' whole-graph projection on the analytics copy, no viewer
/* :params {} */
MATCH (u:User)
RETURN u.id AS id
