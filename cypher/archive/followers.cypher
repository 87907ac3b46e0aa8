// Title: one page of the account's followers, for its data archive, oldest follow first after $after
// Blocks: the account's own followers, read by its export job; a follow ends with a block
// Seeks the follows_followee index (followee, id): one page costs the page.
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 1000} */
MATCH (f:User)-[r:FOLLOWS]->() USING INDEX SEEK r:FOLLOWS(followee, id) WHERE r.followee = $user_id AND r.id > $after
WITH r, f ORDER BY r.followee ASC, r.id ASC
LIMIT $limit
RETURN r.id AS cursor, f.username AS username, toString(r.since) AS since,
       f.suspended_at IS NOT NULL AS suspended
