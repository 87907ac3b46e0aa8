// Title: delete up to $batch each of the expired sessions, app tokens and authorization codes (nothing else removes them once nobody presents them)
// Seeks the *_expires indexes: the work is what has expired, not how many are live.
/* :params {batch: 1000} */
CALL () {
  MATCH (s:Session) WHERE s.expires_at <= datetime()
  WITH s LIMIT $batch
  DETACH DELETE s
  RETURN count(*) AS deleted
  UNION ALL
  MATCH (t:AppToken) WHERE t.expires_at <= datetime()
  WITH t LIMIT $batch
  DETACH DELETE t
  RETURN count(*) AS deleted
  UNION ALL
  MATCH (c:OAuthCode) WHERE c.expires_at <= datetime()
  WITH c LIMIT $batch
  DETACH DELETE c
  RETURN count(*) AS deleted
}
RETURN sum(deleted) AS deleted
