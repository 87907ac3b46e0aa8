// Title: revoke a token issued to this app (or a first-party session): user session or app-only token; returns the revoked session ids
/* :params {token_id: "5e8848...", client_id: "Zq3..."} */
OPTIONAL MATCH (s:Session {id: $token_id})
WHERE s.client_id IS NULL OR s.client_id = $client_id
OPTIONAL MATCH (:OAuthApp {client_id: $client_id})-[:HAS_TOKEN]->(t:AppToken {id: $token_id})
WITH collect(DISTINCT s.id) AS sessions, collect(DISTINCT s) + collect(DISTINCT t) AS doomed
FOREACH (n IN doomed | DETACH DELETE n)
RETURN sessions
