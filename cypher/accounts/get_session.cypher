// Title: the user behind a live session and its OAuth scopes (null for a first-party login);
// nothing when the account is suspended
// Blocks: authentication, the caller's own session
/* :params {session_id: "9f86d0..."} */
MATCH (u:User)-[:HAS_SESSION]->(s:Session {id: $session_id})
USING INDEX SEEK s:Session(id)
WHERE s.expires_at > datetime() AND u.suspended_at IS NULL
RETURN u.id AS id, u.username AS username, u.role AS role, s.scopes AS scopes,
       s.expires_at.epochSeconds AS expires_at
