// Title: what a live user session was granted: its scopes and app (null for a first-party login)
// Blocks: authentication, the caller's own session
/* :params {session_id: "5e8848..."} */
MATCH (:User)-[:HAS_SESSION]->(s:Session {id: $session_id})
USING INDEX SEEK s:Session(id)
WHERE s.expires_at > datetime()
OPTIONAL MATCH (a:OAuthApp {client_id: s.client_id})
RETURN s.scopes AS scopes, s.client_id AS client_id, a.name AS app_name, a.website AS app_website,
       s.expires_at.epochSeconds AS expires_at
