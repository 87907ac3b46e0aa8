// Title: seed a batch of posts with their authors
/* :params {rows: [{id: "01hzy0000000000000000000pp", author: "01hzy0000000000000000000aa", caption: "hello #demo", ts: 1700000000000}]} */
UNWIND $rows AS r
MATCH (u:User {id: r.author})
CREATE (u)-[:POSTED]->(:Post {id: r.id, caption: r.caption, created_at: datetime({epochMillis: r.ts})})
