// Title: indexes no statement uses any more, dropped from graphs created before
// Blocks: schema, returns no content
// likes_id (LIKES.id alone) and likes_owner (LIKES.owner, id, for notifications before they were
// grouped per post through post_last_like) cost every like write and most of a bulk import's
// index population while serving no query.
DROP INDEX likes_id IF EXISTS;
DROP INDEX likes_owner IF EXISTS;
