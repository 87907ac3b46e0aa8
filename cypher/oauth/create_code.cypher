// Title: a short-lived authorization code a user granted an app (only its sha256 is kept); the user's expired codes go
/* :params {user_id: "01hzy0000000000000000000aa", client_id: "Zq3...", code_id: "9f86d0...", redirect_uri: "urn:ietf:wg:oauth:2.0:oob", scopes: ["read"], ttl_s: 600} */
MATCH (u:User {id: $user_id}), (a:OAuthApp {client_id: $client_id})
CALL (u) {
  MATCH (u)-[:AUTHORIZED]->(old:OAuthCode) WHERE old.expires_at <= datetime()
  DETACH DELETE old
}
CREATE (u)-[:AUTHORIZED]->(c:OAuthCode {
  id: $code_id, redirect_uri: $redirect_uri, scopes: $scopes, created_at: datetime(),
  expires_at: datetime() + duration({seconds: $ttl_s})
})-[:FOR_APP]->(a)
RETURN c.expires_at.epochSeconds AS expires_at
