// Title: open a session granted to an OAuth app with scopes (password grant); the same Session a login makes
/* :params {user_id: "01hzy0000000000000000000aa", session_id: "5e8848...", client_id: "Zq3...", scopes: ["read", "write"], ttl_s: 604800} */
MATCH (u:User {id: $user_id})
CREATE (u)-[:HAS_SESSION]->(s:Session {
  id: $session_id, created_at: datetime(), expires_at: datetime() + duration({seconds: $ttl_s}),
  scopes: $scopes, client_id: $client_id
})
RETURN s.created_at.epochSeconds AS created_at, s.expires_at.epochSeconds AS expires_at
