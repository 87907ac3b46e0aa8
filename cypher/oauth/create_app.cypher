// Title: register an OAuth client application (Mastodon's POST /api/v1/apps); only the secret's sha256 is kept, none for a public client (PKCE, no secret)
// Blocks: no viewer; an app is not user content
/* :params {id: "01hzy0000000000000000000ap", client_id: "Zq3...", secret_hash: "9f86d0...", name: "Tusky", website: null, redirect_uris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: ["read", "write", "follow"]} */
CREATE (a:OAuthApp {
  id: $id, client_id: $client_id, secret_hash: $secret_hash, name: $name, website: $website,
  redirect_uris: $redirect_uris, scopes: $scopes, created_at: datetime()
})
RETURN a.id AS id, a.client_id AS client_id, a.name AS name, a.website AS website,
       a.redirect_uris AS redirect_uris, a.scopes AS scopes
