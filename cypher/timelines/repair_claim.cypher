// Title: claim a pending Redis repair: one process wins (the node's write lock orders the claimants; a lease that ran out is taken over, and a claimant whose repair failed may take its own again)
// `SET r.locked` takes the lock before the pending and lease checks read the node.
/* :params {namespace: "tl", owner: "host-123-abcdef", lease_ms: 30000} */
MATCH (r:TimelineRepair {namespace: $namespace})
SET r.locked = true
WITH r
WHERE r.marks > r.repaired
  AND (r.lease_until IS NULL OR r.lease_until < timestamp() OR r.owner = $owner)
SET r.owner = $owner, r.lease_until = timestamp() + $lease_ms
RETURN r.marks AS marks, r.since AS since, r.reasons AS reasons
