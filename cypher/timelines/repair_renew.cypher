// Title: extend the lease of a Redis repair still in progress (only its owner can)
/* :params {namespace: "tl", owner: "host-123-abcdef", lease_ms: 30000} */
MATCH (r:TimelineRepair {namespace: $namespace})
SET r.locked = true
WITH r
WHERE r.owner = $owner
SET r.lease_until = timestamp() + $lease_ms
RETURN true AS renewed
