// Title: a short-lived authorization code a user granted an app (only its sha256 is kept), with its PKCE challenge if any; the user's expired codes go
/* :params {user_id: "01hzy0000000000000000000aa", client_id: "Zq3...", code_id: "9f86d0...", redirect_uri: "urn:ietf:wg:oauth:2.0:oob", scopes: ["read"], code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", ttl_s: 600} */
MATCH (u:User {id: $user_id}), (a:OAuthApp {client_id: $client_id})
CALL (u) {
  MATCH (u)-[:AUTHORIZED]->(old:OAuthCode) WHERE old.expires_at <= datetime()
  DETACH DELETE old
}
CREATE (u)-[:AUTHORIZED]->(c:OAuthCode {
  id: $code_id, redirect_uri: $redirect_uri, scopes: $scopes,
  code_challenge: $code_challenge, code_challenge_method: $code_challenge_method,
  created_at: datetime(), expires_at: datetime() + duration({seconds: $ttl_s})
})-[:FOR_APP]->(a)
RETURN c.expires_at.epochSeconds AS expires_at
