// Title: an OAuth client application by its client_id
// Blocks: no viewer; an app is not user content
/* :params {client_id: "Zq3..."} */
MATCH (a:OAuthApp {client_id: $client_id})
RETURN a.id AS id, a.client_id AS client_id, a.secret_hash AS secret_hash, a.name AS name,
       a.website AS website, a.redirect_uris AS redirect_uris, a.scopes AS scopes
