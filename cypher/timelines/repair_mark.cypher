// Title: record that Redis's derived state may be wrong (a write's Redis work failed, or Redis went away or restarted): one marker per timeline namespace, pending until a repair covers it
// `marks` counts the records and `repaired` the last one a finished repair covered: pending
// while marks > repaired. `since` is when the oldest unrepaired record was made (ms).
// `SET r.locked` first takes the node's write lock, so the counts read next are current.
/* :params {namespace: "tl", reasons: ["hook:post_created"]} */
MERGE (r:TimelineRepair {namespace: $namespace})
  ON CREATE SET r.marks = 0, r.repaired = 0, r.reasons = []
SET r.locked = true
WITH r, r.marks > r.repaired AS pending
SET r.marks = r.marks + 1,
    r.since = CASE WHEN pending THEN r.since ELSE timestamp() END,
    r.reasons = CASE
      WHEN size(r.reasons) >= 20 THEN r.reasons
      ELSE r.reasons + [x IN $reasons WHERE NOT x IN r.reasons]
    END
RETURN r.marks AS marks
