// Title: Explore for a viewer: public posts from accounts the viewer does not follow that the viewer's newest followees liked or commented on, or in the hashtags the viewer engages with, ranked by those signals decayed by the post's age, with who and which tag
// Audience: `liked` is the viewer's own liked posts, read only for the names of their hashtags; every post it returns (`p`) has the guard
// Bounded whatever the degrees, by the parameters: the viewer's newest $followees follows (an
// ordered seek on follows_follower); of each, the first $scan likes and $scan comments the store
// yields (an expand that stops there: there is no index on the liker or the commenter; the store
// yields mostly the newest first, not strictly), of which the newest $per_followee by id; the viewer's $tags hashtags (the first $scan USES_TAG and
// the tags of the viewer's newest $per_followee likes among their first $scan, by weight); of each
// tag its newest $scan posts (an ordered seek on tagged_tag), $per_tag kept. Left out: the
// viewer's own posts and those they liked, accounts the viewer follows (follows_pair), private,
// suspended or limited accounts, accounts in a block with the viewer or muted by them; a followee
// in a block with the viewer, suspended or muted gives no signal, and a post for an audience the
// viewer is outside of is left out. Score: likers + 2 × commenters + 1 for a tag the
// viewer uses, halved every $half_life_h hours of the post's age. Computed off the request path
// (api/discovery/explore.py) with generous bounds; a viewer with no list yet gets small ones.
// The checks run once per post, after its signals are gathered: the viewer's blocks and live mutes
// (short lists) are read once and tested against; a post's author is found by its `author` (a
// unique-index seek, as posts/list_user_posts finds a user's posts), not a POSTED expand on a
// busy post; the audience guard sits in a CASE whose first branch lets a post for everyone
// through (as a bare disjunction the planner re-reads p.audience once per alternative); and
// whether the viewer liked a post (an expand on two busy nodes) is asked in rank order, after the
// score, only until $limit posts are kept.
// Cost: PROFILE db hits on the `large` graph, before -> now, sample (the request path) / list:
//   typical 12548 -> 3202 / 91489 -> 20629, heavy 15776 -> 3470 / 113027 -> 18864,
//   celebrity 12427 -> 3172 / 24169 -> 7103
// Suspended: `b` is the viewer's block and mute lists, read once; followees (`f`) and authors (`a`) are checked for suspension beside the tests against them
/* :params {viewer_id: "01hzy0000000000000000000aa", followees: 50, scan: 200, per_followee: 20, tags: 5, per_tag: 20, half_life_h: 72.0, limit: 200} */
MATCH (v:User {id: $viewer_id})
WITH v,
  COLLECT { MATCH (v)-[:BLOCKS]-(b:User) RETURN DISTINCT b } AS blocked,
  COLLECT { MATCH (v)-[m:MUTES]->(b:User) WHERE m.until IS NULL OR m.until > datetime() RETURN b } AS muted
CALL (v, blocked, muted) {
  MATCH ()-[r:FOLLOWS]->(f:User) USING INDEX SEEK r:FOLLOWS(follower, id)
  WHERE r.follower = $viewer_id AND r.id < "~"
  WITH r, f ORDER BY r.follower DESC, r.id DESC
  WHERE NOT f IN blocked AND f.suspended_at IS NULL AND NOT f IN muted
  WITH f LIMIT $followees
  CALL (f) {
    MATCH (f)-[l:LIKES]->(p:Post)
    WITH l, p LIMIT $scan
    WITH l, p ORDER BY l.id DESC LIMIT $per_followee
    RETURN p, 'like' AS kind
    UNION
    MATCH (f)-[:WROTE]->(c:Comment)
    WITH c LIMIT $scan
    WITH c ORDER BY c.id DESC LIMIT $per_followee
    MATCH (c)-[:ON]->(p:Post)
    RETURN p, 'comment' AS kind
  }
  RETURN p, kind, f.username AS who
  UNION
  CALL (v) {
    MATCH (v)-[u:USES_TAG]->(h:Hashtag)
    WITH u, h LIMIT $scan
    RETURN h, u.posts AS weight
    UNION ALL
    MATCH (v)-[l:LIKES]->(liked:Post)
    WITH l, liked LIMIT $scan
    WITH l, liked ORDER BY l.id DESC LIMIT $per_followee
    MATCH (liked)-[:TAGGED]->(h:Hashtag)
    RETURN h, 1 AS weight
  }
  WITH v, h, sum(weight) AS weight ORDER BY weight DESC, h.name LIMIT $tags
  CALL (v, h) {
    MATCH (p:Post)-[t:TAGGED]->() USING INDEX SEEK t:TAGGED(tag, post) WHERE t.tag = h.name AND t.post < "~"
    WITH p, t ORDER BY t.tag DESC, t.post DESC LIMIT $scan
    WHERE p.author <> v.id
    RETURN p LIMIT $per_tag
  }
  RETURN p, 'tag' AS kind, h.name AS who
}
WITH v, blocked, muted, p, kind, who ORDER BY who
WITH v, blocked, muted, p,
  collect(CASE kind WHEN 'like' THEN who END) AS likers,
  collect(CASE kind WHEN 'comment' THEN who END) AS commenters,
  collect(CASE kind WHEN 'tag' THEN who END) AS tags
MATCH (a:User {id: p.author})
WHERE a <> v AND a.private = false
  AND NOT a IN blocked AND NOT a IN muted AND a.suspended_at IS NULL AND a.limited_at IS NULL
  AND NOT EXISTS { MATCH ()-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(follower, followee) WHERE r.follower = $viewer_id AND r.followee = a.id }
  AND CASE WHEN p.audience IS NULL OR p.audience = 'everyone' THEN true
    ELSE (p.audience IS NULL OR p.audience = 'everyone' OR a = v
     OR (p.audience = 'close_friends' AND EXISTS { (a)-[:CLOSE_FRIEND]->(v) })
     OR (p.audience = 'mutuals' AND EXISTS { (a)-[:FOLLOWS]->(v) } AND EXISTS { (v)-[:FOLLOWS]->(a) })
     OR (p.audience = 'followers_for_days'
         AND EXISTS { (v)-[fl:FOLLOWS]->(a) WHERE fl.since <= datetime() - duration({days: coalesce(p.audience_days, 0)}) }))
  END
WITH v, p, likers, commenters, tags,
  (size(likers) + 2 * size(commenters) + CASE WHEN size(tags) > 0 THEN 1 ELSE 0 END)
    * 0.5 ^ (coalesce(duration.inSeconds(p.created_at, datetime()).seconds, 0) / 3600.0 / $half_life_h) AS score
ORDER BY score DESC, p.id DESC
WHERE NOT EXISTS { (v)-[:LIKES]->(p) }
WITH p, likers, commenters, tags, score LIMIT $limit
RETURN p.id AS id, size(likers) AS liked_by, likers[0..3] AS names,
  size(commenters) AS commented_by, commenters[0..3] AS commenter_names, tags[0] AS tag, score
