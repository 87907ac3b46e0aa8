// Title: write a batch of community numbers on the interaction graph onto users (the analytics copy only)
/* :params {rows: [{id: "01hzy0000000000000000000aa", value: 3}]} */
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.interaction_community = row.value
