// Title: the author of a story a moderator acts on
// Blocks: moderators act on any content, whoever wrote it
// Audience: moderators act on any content, whatever its audience
/* :params {story_id: "01hzy0000000000000000000ss"} */
MATCH (a:User)-[:POSTED_STORY]->(s:Story {id: $story_id})
RETURN a.id AS author_id
