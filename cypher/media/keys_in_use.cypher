// Title: which of the given object keys some Media node still references
// Blocks: object-store bookkeeping, returns keys only
/* :params {keys: ["img/ab.webp"]} */
UNWIND $keys AS key
MATCH (m:Media) WHERE m.key = key OR m.thumb_key = key OR m.poster_key = key OR m.profile_key = key
RETURN DISTINCT key
