// Title: the viewer-independent part of post views: author, caption, media, hashtags, mentions and total counts (cached in Redis by timelines/views.py)
// Blocks: no viewer here; posts/viewer_state drops what the viewer may not see and takes blocked people out of counts and mentions
// Audience: no viewer here; posts/viewer_state drops posts for an audience the viewer is outside of
// Counts come from the degree store (no label on the far node plans as GetDegree), so they cost the same for 5 likes or 50,000.
/* :params {ids: ["01hzy0000000000000000000pp"]} */
UNWIND $ids AS post_id
MATCH (a:User)-[:POSTED]->(p:Post {id: post_id})
// A suspended author's posts are missing here, so every page and feed hydrated from it drops them.
WHERE a.suspended_at IS NULL
RETURN p.id AS id, p.caption AS caption, toString(p.created_at) AS created_at,
  toString(p.edited_at) AS edited_at, coalesce(p.audience, 'everyone') AS audience,
  p.audience_days AS audience_days,
  {id: a.id, username: a.username, display_name: a.display_name,
   pictures: COLLECT { MATCH (a)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }} AS author,
  COLLECT { MATCH (p)-[r:HAS_MEDIA]->(m:Media) RETURN properties(m) ORDER BY r.position } AS media,
  COLLECT { MATCH (p)-[:TAGGED]->(h:Hashtag) RETURN h.name ORDER BY h.name } AS hashtags,
  COLLECT {
    MATCH (p)-[:MENTIONS]->(m:User) RETURN {id: m.id, username: m.username} ORDER BY m.username
  } AS mentions,
  COUNT { (p)<-[:LIKES]-() } AS like_count,
  COUNT { (p)<-[:ON]-() } AS comment_count
