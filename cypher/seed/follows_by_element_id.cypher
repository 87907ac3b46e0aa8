// Title: seed a batch of FOLLOWS relationships, matching both ends by element id instead of an index seek (benchmark option; not the loader's choice)
// Rows are lists [follower id, followed id, relationship id, epoch millis, follower element id, followed element id].
/* :params {rows: [["01hzy0000000000000000000aa", "01hzy0000000000000000000bb", "01hzy0000000000000000000cc", 1700000000000, "4:x:0", "4:x:1"]]} */
UNWIND $rows AS r
MATCH (a) WHERE elementId(a) = r[4]
MATCH (b) WHERE elementId(b) = r[5]
CREATE (a)-[:FOLLOWS {id: r[2], since: datetime({epochMillis: r[3]}), follower: r[0], followee: r[1]}]->(b)
