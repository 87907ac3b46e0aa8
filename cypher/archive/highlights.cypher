// Title: one page of the account's highlights for its data archive, oldest first after $after, each with its stories' ids in the account's order
// Audience: the account's own content, read for its own data archive
// Blocks: the account's own highlights, read by its export job
// Seeks highlight_owner (owner, id): one page costs the page.
/* :params {user_id: "01hzy0000000000000000000aa", after: "", limit: 500} */
MATCH (h:Highlight) USING INDEX SEEK h:Highlight(owner, id) WHERE h.owner = $user_id AND h.id > $after
WITH h ORDER BY h.owner ASC, h.id ASC
LIMIT $limit
RETURN h.id AS id, h.title AS title, toString(h.created_at) AS created_at,
       COLLECT { MATCH (h)-[i:INCLUDES]->(s:Story) RETURN s.id ORDER BY i.position } AS stories
