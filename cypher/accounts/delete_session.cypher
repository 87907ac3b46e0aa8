// Title: close a session (logout)
/* :params {session_id: "9f86d0..."} */
MATCH (s:Session {id: $session_id})
DETACH DELETE s
