// Title: open a session (the token's sha256) for a user; expires after $ttl_s seconds
/* :params {user_id: "01hzy0000000000000000000aa", session_id: "9f86d0...", ttl_s: 604800} */
MATCH (u:User {id: $user_id})
CREATE (u)-[:HAS_SESSION]->(s:Session {
  id: $session_id, created_at: datetime(), expires_at: datetime() + duration({seconds: $ttl_s})
})
RETURN s.expires_at.epochSeconds AS expires_at
