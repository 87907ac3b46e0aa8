// Title: uniqueness constraints for every node label that has an id
// Blocks: schema, returns no content
// Each statement is idempotent (IF NOT EXISTS); graph.schema runs them one by one on start.
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE;
CREATE CONSTRAINT user_username IF NOT EXISTS FOR (u:User) REQUIRE u.username IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE;
// The digest of the Idempotency-Key a post was made with: one post per key, even across a crash.
CREATE CONSTRAINT post_request IF NOT EXISTS FOR (p:Post) REQUIRE p.request IS UNIQUE;
CREATE CONSTRAINT media_id IF NOT EXISTS FOR (m:Media) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT comment_id IF NOT EXISTS FOR (c:Comment) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT hashtag_name IF NOT EXISTS FOR (h:Hashtag) REQUIRE h.name IS UNIQUE;
CREATE CONSTRAINT session_id IF NOT EXISTS FOR (s:Session) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT blob_key IF NOT EXISTS FOR (b:Blob) REQUIRE b.key IS UNIQUE;
CREATE CONSTRAINT oauth_app_client_id IF NOT EXISTS FOR (a:OAuthApp) REQUIRE a.client_id IS UNIQUE;
CREATE CONSTRAINT oauth_code_id IF NOT EXISTS FOR (c:OAuthCode) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT app_token_id IF NOT EXISTS FOR (t:AppToken) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT timeline_repair_namespace IF NOT EXISTS FOR (r:TimelineRepair) REQUIRE r.namespace IS UNIQUE;
CREATE CONSTRAINT upload_id IF NOT EXISTS FOR (up:Upload) REQUIRE up.id IS UNIQUE;
CREATE CONSTRAINT report_id IF NOT EXISTS FOR (r:Report) REQUIRE r.id IS UNIQUE;
// A reporter's account and items, digested: the same things reported twice are one report.
CREATE CONSTRAINT report_key IF NOT EXISTS FOR (r:Report) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT moderation_action_id IF NOT EXISTS FOR (a:ModerationAction) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT story_id IF NOT EXISTS FOR (s:Story) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT highlight_id IF NOT EXISTS FOR (h:Highlight) REQUIRE h.id IS UNIQUE;
// A person's data archives and follow/block imports (docs/your-data.md).
CREATE CONSTRAINT archive_id IF NOT EXISTS FOR (a:Archive) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT import_id IF NOT EXISTS FOR (i:Import) REQUIRE i.id IS UNIQUE;
