// Title: exchange a live authorization code for a session (the code is used up); nothing when it is unknown, expired, another app's or for another redirect URI
// The session is the same node a password login makes (accounts/create_session), plus the
// scopes and client it was granted to, so every bearer-token check works unchanged.
/* :params {code_id: "9f86d0...", client_id: "Zq3...", redirect_uri: "urn:ietf:wg:oauth:2.0:oob", session_id: "5e8848...", ttl_s: 604800} */
MATCH (u:User)-[:AUTHORIZED]->(c:OAuthCode {id: $code_id})-[:FOR_APP]->(a:OAuthApp)
WITH u, c, a, c.scopes AS scopes,
     c.expires_at > datetime() AND a.client_id = $client_id AND c.redirect_uri = $redirect_uri AS ok
DETACH DELETE c
WITH u, scopes, ok WHERE ok
CREATE (u)-[:HAS_SESSION]->(s:Session {
  id: $session_id, created_at: datetime(), expires_at: datetime() + duration({seconds: $ttl_s}),
  scopes: scopes, client_id: $client_id
})
RETURN u.id AS user_id, s.scopes AS scopes, s.created_at.epochSeconds AS created_at,
       s.expires_at.epochSeconds AS expires_at
