// Title: finish a Redis repair: the records it claimed are covered; any made while it ran stay pending (another repair follows)
/* :params {namespace: "tl", owner: "host-123-abcdef", marks: 3} */
MATCH (r:TimelineRepair {namespace: $namespace})
SET r.locked = true
WITH r
WHERE r.owner = $owner
WITH r, r.marks > $marks AS again
SET r.repaired = $marks,
    r.owner = null,
    r.lease_until = null,
    r.repaired_at = timestamp(),
    r.since = CASE WHEN again THEN r.since ELSE null END,
    r.reasons = CASE WHEN again THEN r.reasons ELSE [] END
RETURN again
