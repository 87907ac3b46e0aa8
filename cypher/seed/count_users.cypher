// Title: how many users the graph has (seeding refuses a non-empty graph without --wipe)
MATCH (u:User) RETURN count(u) AS users
