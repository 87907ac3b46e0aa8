#!lua flags=no-writes,allow-cross-slot-keys
-- Title: The values of keys in several slots of one cluster node: a GET each, in one call
-- KEYS[1]: the first key (the call is routed by it)
-- ARGV[1..]: the other keys, each held by the node that holds KEYS[1]
-- Returns: the values in that order (nil where a key is missing)
--
-- Redis Cluster refuses one command over keys of several slots (MGET, or a script's KEYS),
-- even when one node holds them all. A feed page reads many owners' keys at once (its posts'
-- fragments, its celebrities' list versions: `<ns>:{p:<post>}:pf`, `<ns>:{a:<author>}:v`),
-- one slot each; backends/batching.py (`MultiGet`) groups them by the node that holds each
-- one's slot in its slot map and sends each node this one call in place of a GET per key.
-- The only script that reads keys outside KEYS, and only ever reads: `no-writes` has Redis
-- refuse any write in it, and `allow-cross-slot-keys` lets it read the node's other slots. A
-- key whose slot is not (or no longer) on this node fails the whole call ("non local key",
-- or MOVED for KEYS[1]); the batcher then reads those keys with a GET each, routed and
-- redirected by the cluster client (tests/test_redis_batching_cluster.py).
local out = {redis.call('GET', KEYS[1]) or false}
for i = 1, #ARGV do out[i + 1] = redis.call('GET', ARGV[i]) or false end
return out
