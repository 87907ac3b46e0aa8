// Title: the app behind a live app-only token
// Blocks: authentication of an app, no user content
/* :params {token_id: "5e8848..."} */
MATCH (a:OAuthApp)-[:HAS_TOKEN]->(t:AppToken {id: $token_id})
WHERE t.expires_at > datetime()
RETURN a.client_id AS client_id, a.name AS name, a.website AS website, t.scopes AS scopes
