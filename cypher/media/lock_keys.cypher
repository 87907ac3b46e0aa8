// Title: lock object keys (one Blob node per content-addressed key) before referencing or deleting them
// Blocks: object-store bookkeeping, returns nothing a viewer sees
// An upload that reuses a key and a deletion that removes it take the same lock, so an object is
// never deleted under a Media node that a concurrent upload just acknowledged. Keys come sorted.
/* :params {keys: ["img/0a1b.webp"]} */
UNWIND $keys AS key
MERGE (b:Blob {key: key})
SET b.lock_ = true
REMOVE b.lock_
RETURN count(b) AS locked
