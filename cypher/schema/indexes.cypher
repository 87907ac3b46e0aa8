// Title: range and full-text indexes used by feeds, lists and search
// Blocks: schema, returns no content
CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at);
CREATE INDEX comment_created_at IF NOT EXISTS FOR (c:Comment) ON (c.created_at);
CREATE INDEX media_key IF NOT EXISTS FOR (m:Media) ON (m.key);
CREATE FULLTEXT INDEX user_search IF NOT EXISTS FOR (u:User) ON EACH [u.username, u.display_name];
CREATE FULLTEXT INDEX hashtag_search IF NOT EXISTS FOR (h:Hashtag) ON EACH [h.name];
CREATE INDEX follows_id IF NOT EXISTS FOR ()-[r:FOLLOWS]-() ON (r.id);
CREATE INDEX likes_id IF NOT EXISTS FOR ()-[r:LIKES]-() ON (r.id);
