"""Home timelines in Redis with hybrid fan-out, and the feed's hot read path.

Neo4j stays the truth: everything here is derived, and rebuilt from the graph when missing.
`fanout` (the worker), `feed` (the read path), `views` (cached post views), `hooks` (what each
write does to the derived state), `store` (the Redis structures and scripts).
"""
