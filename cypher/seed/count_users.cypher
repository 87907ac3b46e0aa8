// Title: how many users the graph has (seeding refuses a non-empty graph without --wipe)
// Blocks: seeding and its summary, no viewer
MATCH (u:User) RETURN count(u) AS users
