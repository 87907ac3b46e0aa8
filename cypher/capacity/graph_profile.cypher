// Title: the live graph's activity, for `graphgram estimate --from-graph`
// Audience: whole-graph statistics for the capacity model, no viewer and no content
// Description: totals and the time span of posts, so rates per user per day can be derived.
// Blocks: whole-graph totals for capacity planning, no viewer
MATCH (u:User)
WITH count(u) AS users
OPTIONAL MATCH (p:Post)
WITH users, count(p) AS posts, min(p.created_at) AS first_post, max(p.created_at) AS last_post
RETURN users, posts,
       COUNT { ()-[:LIKES]->() } AS likes,
       COUNT { (:Comment) } AS comments,
       COUNT { ()-[:FOLLOWS]->() } AS follows,
       COUNT { (:Post)-[:HAS_MEDIA]->(:Media {kind: "video"}) } AS video_posts,
       COUNT { (:Post)-[:HAS_MEDIA]->(:Media) } AS media_posts,
       CASE WHEN first_post IS NULL THEN 0
            ELSE duration.inSeconds(first_post, last_post).seconds END AS span_s
