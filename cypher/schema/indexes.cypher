// Title: range and full-text indexes used by feeds, lists and search
// Blocks: schema, returns no content
CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at);
CREATE INDEX comment_created_at IF NOT EXISTS FOR (c:Comment) ON (c.created_at);
CREATE INDEX media_key IF NOT EXISTS FOR (m:Media) ON (m.key);
CREATE FULLTEXT INDEX user_search IF NOT EXISTS FOR (u:User) ON EACH [u.username, u.display_name];
CREATE FULLTEXT INDEX hashtag_search IF NOT EXISTS FOR (h:Hashtag) ON EACH [h.name];
CREATE INDEX follows_id IF NOT EXISTS FOR ()-[r:FOLLOWS]-() ON (r.id);
// Ordered pages: each composite index leads with the id of the endpoint a list hangs on, then the
// time-ordered id, so "one page of X's followers, newest first" is an index seek that stops at
// the page size, whatever X's degree (ORDER BY both properties, same direction).
CREATE INDEX follows_followee IF NOT EXISTS FOR ()-[r:FOLLOWS]-() ON (r.followee, r.id);
CREATE INDEX follows_follower IF NOT EXISTS FOR ()-[r:FOLLOWS]-() ON (r.follower, r.id);
CREATE INDEX requested_target IF NOT EXISTS FOR ()-[r:REQUESTED]-() ON (r.target, r.id);
CREATE INDEX likes_post IF NOT EXISTS FOR ()-[r:LIKES]-() ON (r.post, r.id);
CREATE INDEX tagged_tag IF NOT EXISTS FOR ()-[r:TAGGED]-() ON (r.tag, r.post);
CREATE INDEX mentions_user IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.user, r.post);
CREATE INDEX post_author IF NOT EXISTS FOR (p:Post) ON (p.author, p.id);
CREATE INDEX comment_post IF NOT EXISTS FOR (c:Comment) ON (c.post, c.id);
CREATE INDEX comment_post_owner IF NOT EXISTS FOR (c:Comment) ON (c.post_owner, c.id);
CREATE INDEX comment_reply_owner IF NOT EXISTS FOR (c:Comment) ON (c.reply_owner, c.id);
// A post's like group in its author's notifications, placed by its newest like from someone else
// (kept by posts/like and posts/unlike): one page of groups is a seek, whatever the like counts.
CREATE INDEX post_last_like IF NOT EXISTS FOR (p:Post) ON (p.author, p.last_like);
// "Does the viewer follow X?" as one index lookup: Expand(Into) between two dense accounts (a heavy
// viewer, a celebrity) walks the smaller of their degrees; suggestions ask it per candidate.
CREATE INDEX follows_pair IF NOT EXISTS FOR ()-[r:FOLLOWS]-() ON (r.follower, r.followee);
// Expiry sweeps (`graphgram accounts sweep`) seek what has expired instead of reading every
// session, app token and authorization code.
CREATE INDEX session_expires IF NOT EXISTS FOR (s:Session) ON (s.expires_at);
CREATE INDEX app_token_expires IF NOT EXISTS FOR (t:AppToken) ON (t.expires_at);
CREATE INDEX oauth_code_expires IF NOT EXISTS FOR (c:OAuthCode) ON (c.expires_at);
// The outage repair re-enqueues media still processing: a seek over those few, not a scan of
// every media item (media/processing.cypher).
CREATE INDEX media_status IF NOT EXISTS FOR (m:Media) ON (m.status);
// The sweep finds expired direct uploads by a range seek (uploads/expired.cypher).
CREATE INDEX upload_expires_at IF NOT EXISTS FOR (up:Upload) ON (up.expires_at);

// A viewer's saved posts (bookmarks), newest saved first: an ordered seek on the saver's id.
CREATE INDEX saved_saver IF NOT EXISTS FOR ()-[r:SAVED]-() ON (r.saver, r.id);
// The moderation queue, by status (open reports first).
CREATE INDEX report_status IF NOT EXISTS FOR (r:Report) ON (r.status);
// Stories (docs/stories.md): an account's live stories are a seek on (author, expires_at) that
// reads only those not yet expired; the sweep finds expired ones by expiry alone; a story's
// viewers, newest first, are an ordered seek on the story's id.
CREATE INDEX story_author_expires IF NOT EXISTS FOR (s:Story) ON (s.author, s.expires_at);
CREATE INDEX story_expires IF NOT EXISTS FOR (s:Story) ON (s.expires_at);
CREATE INDEX saw_story IF NOT EXISTS FOR ()-[r:SAW]-() ON (r.story, r.id);
CREATE INDEX highlight_owner IF NOT EXISTS FOR (h:Highlight) ON (h.owner, h.id);
