// Title: one page of the viewer's notifications, newest first; likes grouped per post
// Each kind is an ordered index seek on an index that leads with the viewer's id, read in page
// order and cut at the page size, so a page costs the same whatever the viewer's degree:
//   likes     one group per post of the viewer's, placed by its newest like from someone else
//             (Post.last_like, kept by posts/like and posts/unlike; index post_last_like), with
//             the latest 3 likers and their count (degree store, minus the viewer's blocked likers
//             and the author's own like)
//   comments  on the viewer's posts (Comment.post_owner) and replies to the viewer's comments
//             (Comment.reply_owner); a reply on the viewer's own post is in both seeks, and UNION
//             keeps it once
//   follows, follow requests (FOLLOWS.followee, REQUESTED.target), mentions (MENTIONS.user)
// Newest first between newer_than and older_than, or oldest first from `after` (min_id):
// api/pagination.py gives the unused direction an empty range. Nothing from anyone in a block
// with the viewer, either direction, nor from anyone whose notifications the viewer mutes (`muted`,
// the viewer's few MUTES read first, in this statement), and no mention in, or reply on, a post for
// an audience the viewer is outside of. The page's people carry their avatars (`pictures`), read
// for the page only, after the cut. The id of an item is the ULID of the newest relationship or
// node behind it (for a like group, its newest like), so ids sort by time and are the cursors.
// Suspended: `b` only takes blocked people out of a count; a suspended account's share of it stays (docs/moderation.md)
// The viewer's blocks (both directions, a short list) are read once and each row is tested
// against that list: no BLOCKS Expand(Into) per row, which costs ~12 db hits on a busy node.
// Cost: PROFILE db hits on the `large` graph, first page of 20, 62dc60d (before the guards) -> main -> now:
//   typical 318 -> 454 (+241 in two more reads: mutes, avatars) -> 427 in one read,
//   heavy 665 -> 1545 (+202) -> 1472, carol 1615 -> 2129 (+193) -> 1280
/* :params {viewer_id: "01hzy0000000000000000000aa", limit: 21, newer_than: "", older_than: "~", after: "", before: ""} */
MATCH (me:User {id: $viewer_id})
WITH me, COLLECT {
  MATCH (me)-[m:MUTES]->(mu:User)
  WHERE m.notifications AND (m.until IS NULL OR m.until > datetime())
  RETURN mu.id
} AS muted, COLLECT { MATCH (me)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked
CALL (me, muted, blocked) {
  MATCH (p:Post) USING INDEX SEEK p:Post(author, last_like) WHERE p.author = $viewer_id AND p.last_like > $newer_than AND p.last_like < $older_than
  WITH p ORDER BY p.author DESC, p.last_like DESC
  CALL (me, muted, blocked, p) {
    MATCH (u:User)-[l:LIKES]->() USING INDEX SEEK l:LIKES(post, id) WHERE l.post = p.id AND l.id < "~"
    WITH u, l ORDER BY l.post DESC, l.id DESC
    WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    WITH u LIMIT 3
    RETURN collect(u) AS accounts
  }
  WITH * WHERE size(accounts) > 0
  RETURN p.last_like AS id, "like" AS type, accounts, p AS liked, p.id AS post_id, null AS comment_id,
         p.last_like_at AS at
  LIMIT $limit
  UNION
  MATCH (p:Post) USING INDEX SEEK p:Post(author, last_like) WHERE p.author = $viewer_id AND p.last_like > $after AND p.last_like < $before
  WITH p ORDER BY p.author ASC, p.last_like ASC
  CALL (me, muted, blocked, p) {
    MATCH (u:User)-[l:LIKES]->() USING INDEX SEEK l:LIKES(post, id) WHERE l.post = p.id AND l.id < "~"
    WITH u, l ORDER BY l.post DESC, l.id DESC
    WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    WITH u LIMIT 3
    RETURN collect(u) AS accounts
  }
  WITH * WHERE size(accounts) > 0
  RETURN p.last_like AS id, "like" AS type, accounts, p AS liked, p.id AS post_id, null AS comment_id,
         p.last_like_at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment) USING INDEX SEEK c:Comment(post_owner, id)
  WHERE c.post_owner = $viewer_id AND c.id > $newer_than AND c.id < $older_than
  WITH * ORDER BY c.post_owner DESC, c.id DESC
  WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN c.id AS id, "comment" AS type, [u] AS accounts,
         null AS liked, c.post AS post_id, c.id AS comment_id, c.created_at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment) USING INDEX SEEK c:Comment(post_owner, id)
  WHERE c.post_owner = $viewer_id AND c.id > $after AND c.id < $before
  WITH * ORDER BY c.post_owner ASC, c.id ASC
  WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN c.id AS id, "comment" AS type, [u] AS accounts,
         null AS liked, c.post AS post_id, c.id AS comment_id, c.created_at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment) USING INDEX SEEK c:Comment(reply_owner, id)
  WHERE c.reply_owner = $viewer_id AND c.id > $newer_than AND c.id < $older_than
  WITH * ORDER BY c.reply_owner DESC, c.id DESC
  WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    AND EXISTS {
      MATCH (c)-[:ON]->(rp:Post)<-[:POSTED]-(pa:User)
      WHERE (rp.audience IS NULL OR rp.audience = 'everyone' OR pa = me
       OR (rp.audience = 'close_friends' AND EXISTS { (pa)-[:CLOSE_FRIEND]->(me) })
       OR (rp.audience = 'mutuals' AND EXISTS { (pa)-[:FOLLOWS]->(me) } AND EXISTS { (me)-[:FOLLOWS]->(pa) })
       OR (rp.audience = 'followers_for_days'
           AND EXISTS { (me)-[f:FOLLOWS]->(pa) WHERE f.since <= datetime() - duration({days: coalesce(rp.audience_days, 0)}) }))
    }
  RETURN c.id AS id, "comment" AS type, [u] AS accounts,
         null AS liked, c.post AS post_id, c.id AS comment_id, c.created_at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:WROTE]->(c:Comment) USING INDEX SEEK c:Comment(reply_owner, id)
  WHERE c.reply_owner = $viewer_id AND c.id > $after AND c.id < $before
  WITH * ORDER BY c.reply_owner ASC, c.id ASC
  WHERE u <> me AND NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    AND EXISTS {
      MATCH (c)-[:ON]->(rp:Post)<-[:POSTED]-(pa:User)
      WHERE (rp.audience IS NULL OR rp.audience = 'everyone' OR pa = me
       OR (rp.audience = 'close_friends' AND EXISTS { (pa)-[:CLOSE_FRIEND]->(me) })
       OR (rp.audience = 'mutuals' AND EXISTS { (pa)-[:FOLLOWS]->(me) } AND EXISTS { (me)-[:FOLLOWS]->(pa) })
       OR (rp.audience = 'followers_for_days'
           AND EXISTS { (me)-[f:FOLLOWS]->(pa) WHERE f.since <= datetime() - duration({days: coalesce(rp.audience_days, 0)}) }))
    }
  RETURN c.id AS id, "comment" AS type, [u] AS accounts,
         null AS liked, c.post AS post_id, c.id AS comment_id, c.created_at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[f:FOLLOWS]->() USING INDEX SEEK f:FOLLOWS(followee, id)
  WHERE f.followee = $viewer_id AND f.id > $newer_than AND f.id < $older_than
  WITH * ORDER BY f.followee DESC, f.id DESC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN f.id AS id, "follow" AS type, [u] AS accounts,
         null AS liked, null AS post_id, null AS comment_id, f.since AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[f:FOLLOWS]->() USING INDEX SEEK f:FOLLOWS(followee, id)
  WHERE f.followee = $viewer_id AND f.id > $after AND f.id < $before
  WITH * ORDER BY f.followee ASC, f.id ASC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN f.id AS id, "follow" AS type, [u] AS accounts,
         null AS liked, null AS post_id, null AS comment_id, f.since AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[q:REQUESTED]->() USING INDEX SEEK q:REQUESTED(target, id)
  WHERE q.target = $viewer_id AND q.id > $newer_than AND q.id < $older_than
  WITH * ORDER BY q.target DESC, q.id DESC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN q.id AS id, "follow_request" AS type, [u] AS accounts,
         null AS liked, null AS post_id, null AS comment_id, q.at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[q:REQUESTED]->() USING INDEX SEEK q:REQUESTED(target, id)
  WHERE q.target = $viewer_id AND q.id > $after AND q.id < $before
  WITH * ORDER BY q.target ASC, q.id ASC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
  RETURN q.id AS id, "follow_request" AS type, [u] AS accounts,
         null AS liked, null AS post_id, null AS comment_id, q.at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:POSTED]->(p:Post)-[m:MENTIONS]->() USING INDEX SEEK m:MENTIONS(user, post)
  WHERE m.user = $viewer_id AND m.post > $newer_than AND m.post < $older_than
  WITH * ORDER BY m.user DESC, m.post DESC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    AND (p.audience IS NULL OR p.audience = 'everyone' OR u = me
     OR (p.audience = 'close_friends' AND EXISTS { (u)-[:CLOSE_FRIEND]->(me) })
     OR (p.audience = 'mutuals' AND EXISTS { (u)-[:FOLLOWS]->(me) } AND EXISTS { (me)-[:FOLLOWS]->(u) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (me)-[f:FOLLOWS]->(u) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  RETURN m.post AS id, "mention" AS type, [u] AS accounts,
         null AS liked, m.post AS post_id, null AS comment_id, m.at AS at
  LIMIT $limit
  UNION
  MATCH (u:User)-[:POSTED]->(p:Post)-[m:MENTIONS]->() USING INDEX SEEK m:MENTIONS(user, post)
  WHERE m.user = $viewer_id AND m.post > $after AND m.post < $before
  WITH * ORDER BY m.user ASC, m.post ASC
  WHERE NOT u IN blocked AND u.suspended_at IS NULL AND NOT (u.id IN muted)
    AND (p.audience IS NULL OR p.audience = 'everyone' OR u = me
     OR (p.audience = 'close_friends' AND EXISTS { (u)-[:CLOSE_FRIEND]->(me) })
     OR (p.audience = 'mutuals' AND EXISTS { (u)-[:FOLLOWS]->(me) } AND EXISTS { (me)-[:FOLLOWS]->(u) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (me)-[f:FOLLOWS]->(u) WHERE f.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  RETURN m.post AS id, "mention" AS type, [u] AS accounts,
         null AS liked, m.post AS post_id, null AS comment_id, m.at AS at
  LIMIT $limit
}
WITH me, id, type, accounts, liked, post_id, comment_id, at
ORDER BY CASE WHEN $after = "" THEN id END DESC, id ASC
LIMIT $limit
WITH me, id, type, post_id, comment_id, at, liked,
     [u IN accounts | u {.id, .username, .display_name,
       pictures: COLLECT { MATCH (u)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }}] AS accounts
RETURN id, type, post_id, comment_id, toString(at) AS created_at, accounts[0] AS account, accounts,
       CASE WHEN liked IS NULL THEN 1
            ELSE COUNT { (liked)<-[:LIKES]-() }
                 - size(COLLECT { MATCH (me)-[:BLOCKS]-(b:User) WHERE EXISTS { (b)-[:LIKES]->(liked) } RETURN DISTINCT b })
                 - CASE WHEN liked.liked_by_author THEN 1 ELSE 0 END
       END AS count,
       me.notifications_read_at IS NOT NULL AND at <= me.notifications_read_at AS read
ORDER BY CASE WHEN $after = "" THEN id END DESC, id ASC
