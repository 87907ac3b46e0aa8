// Title: an app-only token (client_credentials grant): acts for the app, never for a user
/* :params {client_id: "Zq3...", token_id: "5e8848...", scopes: ["read"], ttl_s: 604800} */
MATCH (a:OAuthApp {client_id: $client_id})
CREATE (a)-[:HAS_TOKEN]->(t:AppToken {
  id: $token_id, scopes: $scopes, created_at: datetime(),
  expires_at: datetime() + duration({seconds: $ttl_s})
})
RETURN t.created_at.epochSeconds AS created_at, t.expires_at.epochSeconds AS expires_at
