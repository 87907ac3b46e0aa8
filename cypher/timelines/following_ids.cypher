// Title: ids of the accounts the viewer follows, and the viewer's own (cached in Redis: which posts still in fan-out a feed page may show, timelines/fastpage.py)
// Blocks: a block drops the follow both ways; a page asks this only to know whose in-flight posts could be the viewer's at all, and the full path checks blocks, mutes and suspensions before it shows one
/* :params {viewer_id: "01hzy0000000000000000000aa"} */
MATCH (v:User {id: $viewer_id})
RETURN v.id AS id
UNION
MATCH (:User {id: $viewer_id})-[:FOLLOWS]->(a:User)
RETURN a.id AS id
