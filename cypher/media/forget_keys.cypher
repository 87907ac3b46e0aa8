// Title: drop the Blob lock nodes of object keys that are being deleted
// Blocks: object-store bookkeeping, returns nothing a viewer sees
/* :params {keys: ["img/0a1b.webp"]} */
UNWIND $keys AS key
MATCH (b:Blob {key: key})
DELETE b
RETURN count(*) AS forgotten
