// Title: seed a batch of FOLLOWS relationships in two server-side concurrent transactions (benchmark option; not the loader's choice)
// Rows are lists [follower id, followed id, relationship id, epoch millis]; run as an auto-commit transaction.
/* :params {rows: [["01hzy0000000000000000000aa", "01hzy0000000000000000000bb", "01hzy0000000000000000000cc", 1700000000000]]} */
UNWIND $rows AS r
CALL (r) {
  MATCH (a:User {id: r[0]}), (b:User {id: r[1]})
  CREATE (a)-[:FOLLOWS {id: r[2], since: datetime({epochMillis: r[3]}), follower: r[0], followee: r[1]}]->(b)
} IN 2 CONCURRENT TRANSACTIONS OF 5000 ROWS
