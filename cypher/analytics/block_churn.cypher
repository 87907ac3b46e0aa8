// Title: block churn: blocks created per week since a date, and how many distinct accounts blocked or were blocked
// Description: The graph keeps no record of unfollows (an unfollow deletes the FOLLOWS relationship), so churn is measured from BLOCKS, which do carry their time.
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
/* :params {since: "2026-01-01"} */
MATCH (a:User)-[b:BLOCKS]->(t:User)
WHERE b.since >= datetime($since)
RETURN toString(date.truncate("week", b.since)) AS week, count(b) AS blocks,
       count(DISTINCT a) AS blockers, count(DISTINCT t) AS blocked
ORDER BY week
