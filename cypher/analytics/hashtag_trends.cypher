// Title: hashtag trends: posts per hashtag per week since a date, the top tags of each week
// Blocks: analysts' whole-graph aggregates (analyst role), no viewer
// Audience: the analysts' whole-graph aggregates on the read-only copy, no viewer
/* :params {since: "2026-01-01", top: 3} */
MATCH (p:Post)-[:TAGGED]->(h:Hashtag)
WHERE p.created_at >= datetime($since)
WITH date.truncate("week", p.created_at) AS week, h.name AS hashtag, count(p) AS posts
ORDER BY week, posts DESC, hashtag
WITH week, collect({hashtag: hashtag, posts: posts})[0..$top] AS top
UNWIND top AS t
RETURN toString(week) AS week, t.hashtag AS hashtag, t.posts AS posts
ORDER BY week, posts DESC, hashtag
