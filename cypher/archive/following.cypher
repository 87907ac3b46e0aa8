// Title: one page of the accounts the account follows, for its data archive (and following_accounts.csv), oldest follow first after $after
// Blocks: the account's own follows, read by its export job; a follow ends with a block
// Seeks the follows_follower index (follower, id): one page costs the page.
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 1000} */
MATCH ()-[r:FOLLOWS]->(f:User) USING INDEX SEEK r:FOLLOWS(follower, id) WHERE r.follower = $user_id AND r.id > $after
WITH r, f ORDER BY r.follower ASC, r.id ASC
LIMIT $limit
RETURN r.id AS cursor, f.username AS username, toString(r.since) AS since,
       f.suspended_at IS NOT NULL AS suspended
