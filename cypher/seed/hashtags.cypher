// Title: seed the hashtag vocabulary
// Rows are lists [name].
/* :params {rows: [["demo"], ["sunset"]]} */
UNWIND $rows AS r
MERGE (:Hashtag {name: r[0]})
