// Title: one page of the account's own stories for its data archive (live ones, and expired ones a highlight keeps), oldest first after $after, each with its media and the highlights that keep it
// Audience: the account's own content, read for its own data archive
// Blocks: the account's own stories, read by its export job
// An expired story no highlight keeps is left out: it is gone for everyone, its author included,
// and the sweep deletes it. An account holds a day's stories and its highlighted ones, not more.
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500, now: datetime("2026-01-01T00:00:00Z")} */
MATCH (:User {id: $user_id})-[:POSTED_STORY]->(s:Story)
WHERE s.id > $after AND (s.expires_at > $now OR EXISTS { (s)<-[:INCLUDES]-(:Highlight) })
WITH s ORDER BY s.id ASC
LIMIT $limit
RETURN s.id AS id, s.audience AS audience, s.audience_days AS audience_days,
       toString(s.created_at) AS created_at, toString(s.expires_at) AS expires_at,
       COLLECT {
         MATCH (s)-[h:HAS_MEDIA]->(m:Media)
         RETURN m {.id, .kind, .key, .content_type, .description, .width, .height, .duration,
                   .bytes, position: h.position}
         ORDER BY h.position
       } AS media,
       COLLECT { MATCH (s)<-[:INCLUDES]-(h:Highlight) RETURN h.id ORDER BY h.id } AS highlights,
       COUNT { (s)<-[:SAW]-() } AS views
