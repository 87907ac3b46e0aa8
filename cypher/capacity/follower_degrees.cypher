// Title: the follower degree distribution (mean, median, 99th percentile, max)
// Blocks: whole-graph totals for capacity planning, no viewer
MATCH (u:User)
WITH COUNT { (u)<-[:FOLLOWS]-(:User) } AS followers
RETURN avg(followers) AS mean, percentileDisc(followers, 0.5) AS p50,
       percentileDisc(followers, 0.99) AS p99, max(followers) AS max
