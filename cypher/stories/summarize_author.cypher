// Title: after a story of the author's is posted or deleted, store on the author what the tray orders by: per audience class the newest live story and when live stories of that class end
// Run in the transaction that posts or deletes the story (stories/create_story,
// stories/delete_story). The classes, in this order in each list: everyone (or no audience),
// close_friends, mutuals, followers_for_days. Per class: `story_ring_ids` the newest live story's
// id ("" for none), `story_ring_ends` its expiry and `story_ring_until` the latest expiry of the
// class (epoch milliseconds, 0 for none); `story_ring_days` the fewest and most days of its live
// followers_for_days stories; `story_until` the latest expiry of all. Stories only end after
// this, so the tray compares these with its `now` and needs no update when one expires (the
// sweep changes nothing here); when the newest of a class ended but an older one did not (the
// story lifetime was shortened meanwhile), the tray reads that ring's stories instead.
// One index seek on story_author_expires: the author's live stories, at most story_live_max.
/* :params {author_id: "01hzy0000000000000000000aa", now: datetime("2026-01-01T00:00:00Z")} */
MATCH (a:User {id: $author_id})
WITH a, COLLECT {
  MATCH (s:Story) USING INDEX SEEK s:Story(author, expires_at) WHERE s.author = a.id AND s.expires_at > $now
  RETURN s {.id, .audience_days, end: s.expires_at.epochMillis, until: s.expires_at,
            class: CASE coalesce(s.audience, 'everyone')
                     WHEN 'everyone' THEN 0 WHEN 'close_friends' THEN 1 WHEN 'mutuals' THEN 2 ELSE 3 END}
  ORDER BY s.id DESC
} AS live
WITH a, live, [c IN range(0, 3) | [s IN live WHERE s.class = c]] AS classes
WITH a, live, classes, [s IN classes[3] | coalesce(s.audience_days, 0)] AS days
SET a.story_ring_ids = [c IN classes | coalesce(head(c).id, '')],
    a.story_ring_ends = [c IN classes | coalesce(head(c).end, 0)],
    a.story_ring_until = [c IN classes | reduce(m = 0, s IN c | CASE WHEN s.end > m THEN s.end ELSE m END)],
    a.story_ring_days = CASE WHEN size(days) = 0 THEN [0, 0]
                             ELSE [reduce(m = days[0], d IN days | CASE WHEN d < m THEN d ELSE m END),
                                   reduce(m = days[0], d IN days | CASE WHEN d > m THEN d ELSE m END)] END,
    a.story_until = reduce(m = null, s IN live | CASE WHEN m IS NULL OR s.until > m THEN s.until ELSE m END)
RETURN a.id AS id
