// Title: the story tray: one ring per followed account with live stories the viewer may see, unseen rings first, then the accounts the viewer interacts with most; each ring's stories oldest first with a seen flag
// Cost: the viewer's follows are walked once, reading one property of each followed account
// (`story_until`, no lookup); only the accounts with a live story get an index seek on
// story_author_expires for their live stories. Ring contents (media, seen flags) are built for
// the page's rings only. The order: `cursor` = unseen (0) or seen (1), then 999999999 minus
// FOLLOWS.interactions (the viewer's likes and comments on the account's posts since following
// it, kept by posts/like and posts/create_comment), then the account's id; `after` pages by it.
// Muted accounts have no ring (as they have no posts in the home feed). `a` has no label: a
// FOLLOWS relationship ends at a User, and checking the label would cost a read per follow.
/* :params {viewer_id: "01hzy0000000000000000000aa", now: datetime("2026-01-01T00:00:00Z"), after: "", limit: 21, per_ring: 100} */
MATCH (v:User {id: $viewer_id})-[fo:FOLLOWS]->(a)
WHERE a.story_until > $now
  AND NOT EXISTS { (v)-[:BLOCKS]-(a) } AND a.suspended_at IS NULL
  AND NOT EXISTS { (v)-[m:MUTES]->(a) WHERE m.until IS NULL OR m.until > datetime() }
CALL (v, a) {
  MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = a.id AND s.expires_at > $now
    AND (s.audience IS NULL OR s.audience = 'everyone' OR a = v
         OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
         OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
         OR (s.audience = 'followers_for_days'
             AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
  RETURN count(s) AS live, count(CASE WHEN NOT EXISTS { (v)-[:SAW]->(s) } THEN s END) AS unseen
}
WITH v, a, fo, live, unseen
WHERE live > 0
WITH v, a, unseen,
     (CASE WHEN unseen > 0 THEN '0' ELSE '1' END)
       + right('000000000' + toString(999999999 - coalesce(fo.interactions, 0)), 9) + a.id AS cursor
WHERE cursor > $after
ORDER BY cursor
LIMIT $limit
RETURN cursor, unseen = 0 AS seen,
  {id: a.id, username: a.username, display_name: a.display_name, private: a.private,
   pictures: COLLECT { MATCH (a)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }} AS user,
  COLLECT {
    MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = a.id AND s.expires_at > $now
      AND (s.audience IS NULL OR s.audience = 'everyone' OR a = v
           OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
           OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
           OR (s.audience = 'followers_for_days'
               AND EXISTS { (v)-[f:FOLLOWS]->(a) WHERE f.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}) }))
    RETURN s {.id, .audience, .audience_days, created_at: toString(s.created_at),
              expires_at: toString(s.expires_at), expires_epoch: s.expires_at.epochSeconds,
              highlighted: EXISTS { (s)<-[:INCLUDES]-(:Highlight) },
              seen: EXISTS { (v)-[:SAW]->(s) },
              media: COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media) RETURN properties(m) }}
    ORDER BY s.id LIMIT $per_ring
  } AS stories
ORDER BY cursor
