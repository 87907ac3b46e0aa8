// Title: the story tray: one ring per followed account with live stories the viewer may see, unseen rings first, then the accounts the viewer interacts with most; each ring's stories oldest first with a seen flag
// A ring is unseen when the newest live story in it the viewer may see is newer than the newest
// story of that account the viewer has seen (`FOLLOWS.seen_upto`, a story id, kept by
// stories/mark_seen); each story's `seen` flag is its own SAW.
// Cost: the viewer's follows are walked once, reading one property of each followed account
// (`story_until`, no lookup); one CASE keeps the planner from reading `suspended_at` first, for
// every follow. The viewer's blocks (both directions) and live mutes are read once into a list
// (a few db hits) and each live ring is tested against it: no BLOCKS or MUTES Expand(Into) per
// ring, ~6 db hits each on a busy node. For an account with a live story, whether it has a ring
// and whether that ring is unseen come from what stories/summarize_author keeps on it (per
// audience class: the newest live story, when it and the class end) and from the FOLLOWS
// relationship already in hand: a few property reads, one relationship check for a close-friends
// or mutuals class that is live, and no story read. Only a ring those values cannot decide (no
// values yet; the newest story of a class ended before an older one; followers_for_days stories
// of several lengths the follow is between) reads its live stories on story_author_expires.
// Ring contents (media, seen flags) are built for the page's rings only, each story's audience
// taken from its ring's per-class values (`shown`): no relationship check per story.
// PROFILE db hits, first page (limit 21), before -> after: `large` graph (no live stories
// there), heavy viewer (2,000 follows) 6,006 -> 4,012, typical (203 follows) 615 -> 418; the
// bench's shape on a test stack, 2,000 follows with 200 live rings of one picture each, 10,550
// -> 6,085; 215 follows with 35 rings of mixed audiences (one undecided), 3,784 -> 1,851.
// The order: `cursor` = unseen (0) or seen (1), then 999999999 minus FOLLOWS.interactions (the
// viewer's likes and comments on the account's posts since following it, kept by posts/like and
// posts/create_comment), then the account's id; `after` pages by it.
// Muted accounts have no ring (as they have no posts in the home feed). `a` has no label: a
// FOLLOWS relationship ends at a User, and checking the label would cost a read per follow.
// Suspended: `b` only collects the viewer's blocks and mutes; each ring's author is checked (`a.suspended_at`)
/* :params {viewer_id: "01hzy0000000000000000000aa", now: datetime("2026-01-01T00:00:00Z"), after: "", limit: 21, per_ring: 100} */
MATCH (v:User {id: $viewer_id})
WITH v, COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b }
        + COLLECT { MATCH (v)-[m:MUTES]->(b:User) WHERE m.until IS NULL OR m.until > datetime() RETURN b } AS hidden
MATCH (v)-[fo:FOLLOWS]->(a)
WHERE CASE WHEN a.story_until > $now THEN a.suspended_at IS NULL AND NOT a IN hidden ELSE false END
WITH v, fo, a, $now.epochMillis AS t, a.story_ring_ids AS ids, a.story_ring_ends AS ends,
     a.story_ring_until AS until
// Per class (everyone, close_friends, mutuals, followers_for_days): true when it has a live
// story the viewer may see, false when not, null when the stored values cannot tell.
WITH v, fo, a, t, ids, ends, until,
     CASE WHEN ids IS NULL THEN null ELSE [
       until[0] > t,
       CASE WHEN until[1] > t THEN EXISTS { (a)-[:CLOSE_FRIEND]->(v) } ELSE false END,
       CASE WHEN until[2] > t THEN EXISTS { (a)-[:FOLLOWS]->(v) } ELSE false END,
       CASE WHEN until[3] <= t THEN false
            WHEN fo.since <= datetime() - duration({days: a.story_ring_days[1]}) THEN true
            WHEN fo.since > datetime() - duration({days: a.story_ring_days[0]}) THEN false
            ELSE null END
     ] END AS shown
WITH v, fo, a, t, ids, ends, shown,
     shown IS NOT NULL AND none(c IN range(0, 3) WHERE shown[c] IS NULL OR (shown[c] AND ends[c] <= t)) AS decided
WITH v, fo, a, shown, decided,
     CASE WHEN decided THEN reduce(top = '', c IN range(0, 3) |
       CASE WHEN shown[c] AND ids[c] > top THEN ids[c] ELSE top END) END AS newest
CALL (v, fo, a, decided, newest) {
  WITH fo, newest, decided WHERE decided
  RETURN newest > '' AS live, newest > coalesce(fo.seen_upto, '') AS unseen
  UNION ALL
  // An empty list for a decided ring, so the seek is not even tried (a WHERE here would be
  // planned after it)
  UNWIND CASE WHEN decided THEN [] ELSE [a.id] END AS author
  MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = author AND s.expires_at > $now
    AND (s.audience IS NULL OR s.audience = 'everyone'
         OR (s.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
         OR (s.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) })
         OR (s.audience = 'followers_for_days'
             AND fo.since <= datetime() - duration({days: coalesce(s.audience_days, 0)})))
  RETURN count(s) > 0 AS live,
         count(CASE WHEN s.id > coalesce(fo.seen_upto, '') AND NOT EXISTS { (v)-[:SAW]->(s) } THEN s END) > 0 AS unseen
}
WITH v, a, fo, shown, decided, live, unseen
WHERE live
WITH v, fo, a, shown, decided, unseen,
     (CASE WHEN unseen THEN '0' ELSE '1' END)
       + right('000000000' + toString(999999999 - coalesce(fo.interactions, 0)), 9) + a.id AS cursor
WHERE cursor > $after
ORDER BY cursor
LIMIT $limit
// The page's rings only: who may see which class of story. A decided ring has it already; a ring
// the stored values cannot decide checks the two relationships once (followers_for_days is
// decided per story by the follow in hand, `fo`).
WITH v, fo, a, unseen, cursor,
     CASE WHEN decided THEN shown
          ELSE [true, EXISTS { (a)-[:CLOSE_FRIEND]->(v) }, EXISTS { (a)-[:FOLLOWS]->(v) }, null] END AS shown
RETURN cursor, NOT unseen AS seen,
  {id: a.id, username: a.username, display_name: a.display_name, private: a.private,
   pictures: COLLECT { MATCH (a)-[:PICTURE]->(pic:Media {kind: "avatar"}) RETURN pic {.kind, .key, .profile_key, .thumb_key, .blurhash} }} AS user,
  COLLECT {
    MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = a.id AND s.expires_at > $now
      AND coalesce(shown[CASE WHEN s.audience IS NULL OR s.audience = 'everyone' THEN 0
                              WHEN s.audience = 'close_friends' THEN 1 WHEN s.audience = 'mutuals' THEN 2 ELSE 3 END],
                   fo.since <= datetime() - duration({days: coalesce(s.audience_days, 0)}))
    RETURN s {.id, .audience, .audience_days, created_at: toString(s.created_at),
              expires_at: toString(s.expires_at), expires_epoch: s.expires_at.epochSeconds,
              highlighted: EXISTS { (s)<-[:INCLUDES]-(:Highlight) },
              seen: EXISTS { (v)-[:SAW]->(s) },
              media: COLLECT { MATCH (s)-[:HAS_MEDIA]->(m:Media)
                              RETURN m {.id, .kind, .status, .width, .height, .duration, .blurhash,
                                        .key, .thumb_key, .poster_key, .description} }}
    ORDER BY s.id LIMIT $per_ring
  } AS stories
ORDER BY cursor
