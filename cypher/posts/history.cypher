// Title: a post's versions, newest first: the current one, then each earlier one it replaced (PostEdit)
// Blocks: the caller checked the viewer may see the post (graph.posts.access)
// Audience: the caller checked the viewer may see the post (graph.posts.access)
// The media items stay those of the post (an edit changes their alt texts, not the set).
/* :params {post_id: "01hzy0000000000000000000pp"} */
MATCH (p:Post {id: $post_id})
CALL (p) {
  WITH p, COLLECT { MATCH (p)-[r:HAS_MEDIA]->(m:Media) RETURN m ORDER BY r.position } AS media
  RETURN coalesce(p.version, 0) AS version, p.caption AS caption, [m IN media | m.id] AS media_ids,
         [m IN media | coalesce(m.description, "")] AS alts,
         toString(coalesce(p.edited_at, p.created_at)) AS created_at
  UNION ALL
  MATCH (p)-[:HAS_EDIT]->(e:PostEdit)
  RETURN e.version AS version, e.caption AS caption, e.media_ids AS media_ids, e.alts AS alts,
         toString(e.created_at) AS created_at
}
RETURN version, caption, media_ids, alts, created_at
ORDER BY version DESC
