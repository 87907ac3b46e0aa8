// Title: exchange a live authorization code for a session (the code is used up, right or wrong); nothing when it is unknown, expired, another app's, for another redirect URI, or its PKCE check fails
// The session is the same node a password login makes (accounts/create_session), plus the
// scopes and client it was granted to, so every bearer-token check works unchanged.
// PKCE (RFC 7636): $verifier_challenge is BASE64URL(SHA256(code_verifier)), null when no
// verifier was sent. A code made with a challenge needs the matching verifier; a code made
// without one takes no verifier (a verifier then means a downgraded request); a public client
// ($require_challenge) only ever redeems codes made with a challenge.
/* :params {code_id: "9f86d0...", client_id: "Zq3...", redirect_uri: "urn:ietf:wg:oauth:2.0:oob", verifier_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", require_challenge: false, session_id: "5e8848...", ttl_s: 604800} */
// The code is locked before it is checked (SET takes its write lock): concurrent redemptions
// queue on it, and each one after the first finds it deleted (EntityNotFound, no session).
MATCH (c:OAuthCode {id: $code_id})
SET c.redeeming = true
WITH c
MATCH (u:User)-[:AUTHORIZED]->(c)-[:FOR_APP]->(a:OAuthApp)
WITH u, c, a, c.scopes AS scopes,
     c.expires_at > datetime() AND a.client_id = $client_id AND c.redirect_uri = $redirect_uri
     AND coalesce(c.code_challenge = $verifier_challenge,
                  c.code_challenge IS NULL AND $verifier_challenge IS NULL)
     AND (c.code_challenge IS NOT NULL OR NOT $require_challenge) AS ok
DETACH DELETE c
WITH u, scopes, ok WHERE ok
CREATE (u)-[:HAS_SESSION]->(s:Session {
  id: $session_id, created_at: datetime(), expires_at: datetime() + duration({seconds: $ttl_s}),
  scopes: scopes, client_id: $client_id
})
RETURN u.id AS user_id, s.scopes AS scopes, s.created_at.epochSeconds AS created_at,
       s.expires_at.epochSeconds AS expires_at
