// Title: edit the viewer's post: keep the version it replaces as a PostEdit, set the new caption, alt texts, hashtags and mentions; null when the post is not the viewer's
// The author is locked first (as posts/create_post and an account's privacy change do: the
// per-tag public post counts stay exact), then the post: two edits at once run one after the
// other, each keeping the version the other left, numbered in commit order (p.version), and
// stamped with the real clock after the lock (datetime() is the time the transaction began).
// A null caption (with null hashtags and mentions) keeps the caption and its links.
// A removed hashtag leaves the tag's list and its counts (the degree, the public post count and
// the author's USES_TAG count; a post for a narrower audience than everyone is in neither:
// posts/create_post); a new mention notifies (r.at).
/* :params {viewer_id: "01hzy0000000000000000000aa", post_id: "01hzy0000000000000000000pp", edit_id: "01hzy0000000000000000000ee", caption: "hi #graph @bob", hashtags: ["graph"], mentions: ["bob"], alts: {}} */
MATCH (v:User {id: $viewer_id})-[:POSTED]->(p:Post {id: $post_id})
SET v.lock_ = true
REMOVE v.lock_
SET p.lock_ = true
REMOVE p.lock_
WITH v, p, COLLECT { MATCH (p)-[r:HAS_MEDIA]->(m:Media) RETURN m ORDER BY r.position } AS media
// An edit that changes nothing (the same caption, the same alt texts) records no version.
WITH v, p, media,
     ($caption IS NOT NULL AND $caption <> p.caption)
     OR any(m IN media WHERE m.id IN keys($alts) AND coalesce(m.description, "") <> $alts[m.id])
       AS changed
CALL (v, p, media, changed) {
  WITH v, p, media WHERE changed
  CREATE (p)-[:HAS_EDIT]->(:PostEdit {
    id: $edit_id, post: p.id, version: coalesce(p.version, 0), caption: p.caption,
    media_ids: [m IN media | m.id], alts: [m IN media | coalesce(m.description, "")],
    created_at: coalesce(p.edited_at, p.created_at)
  })
  SET p.caption = coalesce($caption, p.caption), p.edited_at = datetime.realtime(), p.version = coalesce(p.version, 0) + 1
  WITH v, p, media
  CALL (p, media) {
    UNWIND media AS m
    WITH m WHERE m.id IN keys($alts)
    SET m.description = $alts[m.id]
  }
  CALL (v, p) {
    MATCH (p)-[t:TAGGED]->(h:Hashtag) WHERE $hashtags IS NOT NULL AND NOT h.name IN $hashtags
    SET h.public_posts = coalesce(h.public_posts, 0) - CASE WHEN v.private OR NOT coalesce(p.audience, "everyone") = "everyone" THEN 0 ELSE 1 END
    DELETE t
    WITH v, p, h WHERE coalesce(p.audience, "everyone") = "everyone"
    MATCH (v)-[u:USES_TAG]->(h)
    SET u.posts = u.posts - 1
    WITH u WHERE u.posts <= 0
    DELETE u
  }
  CALL (v, p) {
    UNWIND coalesce($hashtags, []) AS tag
    MERGE (h:Hashtag {name: tag})
    WITH h WHERE NOT EXISTS { (p)-[:TAGGED]->(h) }
    CREATE (p)-[:TAGGED {tag: h.name, post: p.id}]->(h)
    SET h.public_posts = coalesce(h.public_posts, 0) + CASE WHEN v.private OR NOT coalesce(p.audience, "everyone") = "everyone" THEN 0 ELSE 1 END
    WITH v, p, h WHERE coalesce(p.audience, "everyone") = "everyone"
    MERGE (v)-[u:USES_TAG]->(h)
    SET u.posts = coalesce(u.posts, 0) + 1
  }
  CALL (v, p) {
    MATCH (p)-[r:MENTIONS]->(m:User) WHERE $mentions IS NOT NULL AND NOT m.username IN $mentions
    DELETE r
  }
  CALL (v, p) {
    UNWIND coalesce($mentions, []) AS name
    MATCH (m:User {username: name})
    WHERE m <> v AND NOT EXISTS { (v)-[:BLOCKS]-(m) } AND m.suspended_at IS NULL
    MERGE (p)-[r:MENTIONS]->(m)
      ON CREATE SET r.at = p.edited_at, r.user = m.id, r.post = p.id
  }
}
RETURN p.id AS id, [m IN media | m.id] AS media_ids
