// Title: write a batch of PageRank scores on the interaction graph onto users (the analytics copy only)
/* :params {rows: [{id: "01hzy0000000000000000000aa", value: 0.00012}]} */
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.interaction_pagerank = row.value
