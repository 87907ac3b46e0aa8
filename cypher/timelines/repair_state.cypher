// Title: the Redis repair marker of a timeline namespace: how many records, how many a finished repair covered, who holds the repair
// Blocks: bookkeeping of derived state, no viewer and no content
/* :params {namespace: "tl"} */
MATCH (r:TimelineRepair {namespace: $namespace})
RETURN r.marks AS marks, r.repaired AS repaired, r.since AS since, r.reasons AS reasons,
       r.owner AS owner, r.lease_until AS lease_until, r.repaired_at AS repaired_at
