// Title: create a post with its hashtags, mentions (never across a block) and ordered media
/* :params {viewer_id: "01hzy0000000000000000000aa", id: "01hzy0000000000000000000pp", caption: "hi #graph @bob", hashtags: ["graph"], mentions: ["bob"], media_ids: [], request: null, audience: "everyone", audience_days: null} */
// The author is locked first, as account deletion locks it: a post is never left without one.
// Each hashtag's public post count and the author's USES_TAG count (how many of their posts
// carry it) move with the post: tags/get_tag counts from them (cypher/README.md). A post for
// a narrower audience than everyone (`audience`) is in neither count: a count is the same for
// every viewer, and must not reveal a post the viewer is outside the audience of.
MATCH (v:User {id: $viewer_id})
SET v.lock_ = true
REMOVE v.lock_
WITH v
// `request`: the digest of the request's Idempotency-Key (null without one), unique
// (constraint post_request): a retry that runs again after its first run died finds the post.
CREATE (v)-[:POSTED]->(p:Post {id: $id, caption: $caption, created_at: datetime(), author: v.id,
                               request: $request, audience: $audience,
                               audience_days: $audience_days})
// The author's count of posts per narrower audience: a profile's post count leaves out those
// for an audience the viewer is not in (users/get_profile) without reading the posts.
SET v.posts_close_friends = coalesce(v.posts_close_friends, 0) + CASE WHEN $audience = "close_friends" THEN 1 ELSE 0 END,
    v.posts_mutuals = coalesce(v.posts_mutuals, 0) + CASE WHEN $audience = "mutuals" THEN 1 ELSE 0 END,
    v.posts_followers_for_days = coalesce(v.posts_followers_for_days, 0) + CASE WHEN $audience = "followers_for_days" THEN 1 ELSE 0 END
WITH v, p
CALL (v, p) {
  UNWIND $hashtags AS tag
  MERGE (h:Hashtag {name: tag})
  MERGE (p)-[t:TAGGED]->(h)
    ON CREATE SET t.tag = h.name, t.post = p.id,
      h.public_posts = coalesce(h.public_posts, 0) + CASE WHEN v.private OR $audience <> "everyone" THEN 0 ELSE 1 END
  WITH v, h WHERE $audience = "everyone"
  MERGE (v)-[u:USES_TAG]->(h)
  SET u.posts = coalesce(u.posts, 0) + 1
}
CALL (v, p) {
  UNWIND $mentions AS name
  MATCH (m:User {username: name})
  WHERE m <> v AND NOT EXISTS { (v)-[:BLOCKS]-(m) } AND m.suspended_at IS NULL
  MERGE (p)-[r:MENTIONS]->(m)
    ON CREATE SET r.at = p.created_at, r.user = m.id, r.post = p.id
}
CALL (p) {
  UNWIND range(0, size($media_ids) - 1) AS position
  MATCH (m:Media {id: $media_ids[position]})
  MERGE (p)-[:HAS_MEDIA {position: position}]->(m)
}
RETURN p.id AS id
