// Title: seed the hashtag vocabulary
/* :params {names: ["demo", "sunset"]} */
UNWIND $names AS name
MERGE (:Hashtag {name: name})
