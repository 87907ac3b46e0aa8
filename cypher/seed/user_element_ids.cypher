// Title: every user's id with its element id (the benchmark's map for matching by element id)
// Blocks: seeding, no viewer
/* :params {} */
MATCH (u:User)
RETURN u.id AS id, elementId(u) AS element
