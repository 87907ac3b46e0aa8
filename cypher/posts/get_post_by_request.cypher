// Title: the post an author's request (by its Idempotency-Key digest) already made, if any
// Blocks: the viewer's own post, no other user's content
// Audience: the viewer's own post
/* :params {viewer_id: "01hzy0000000000000000000aa", request: "5f2b9c0e8a7d4b3c2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"} */
MATCH (p:Post {request: $request})
WHERE p.author = $viewer_id
RETURN p.id AS id
