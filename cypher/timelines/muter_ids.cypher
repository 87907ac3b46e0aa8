// Title: ids of everyone whose mute of an author is in force, as one list: the followers a new post is not pushed to
// Blocks: ids only, never shown: whose timelines a post is not pushed into
/* :params {author_id: "01hzy0000000000000000000aa"} */
MATCH (:User {id: $author_id})<-[m:MUTES]-(u:User)
WHERE m.until IS NULL OR m.until > datetime()
RETURN collect(u.id) AS ids
