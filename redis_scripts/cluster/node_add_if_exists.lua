#!lua flags=allow-cross-slot-keys
-- Title: timelines/add_if_exists over windows of several slots of one cluster node, in one call
-- KEYS[1]: the first window (the call is routed by it)
-- ARGV[1]: n, how many more windows follow
-- ARGV[2..]: the n other windows, each held by the node that holds KEYS[1]; then the cap, the
--   lowest id the ids are exact from ("" when complete), and the ids to add
-- Returns: how many windows took them
--
-- A post's fan-out adds it to thousands of windows, one slot each on Redis Cluster, where a
-- script's KEYS must share one slot: `add_if_exists` would run once per slot. timelines/store.py
-- (`add`) groups the windows by the node that holds each one's slot in its slot map and sends
-- each node this one call. `allow-cross-slot-keys` lets it touch the node's other slots; a window
-- whose slot is not (or no longer) on this node fails the call ("non local key", or MOVED for
-- KEYS[1]) after it may have added the ids to some windows. The caller then runs the node's
-- windows again through `add_if_exists` per slot, routed and redirected by the cluster client;
-- adding the same ids again changes nothing (`add_to_windows`).
--!include add_to_windows
local n = tonumber(ARGV[1])
local targets = {}
targets[1] = KEYS[1]
for i = 1, n do targets[i + 1] = ARGV[1 + i] end
local ids = {}
for i = n + 4, #ARGV do ids[#ids + 1] = ARGV[i] end
return add_to_windows(targets, tonumber(ARGV[n + 2]), ARGV[n + 3], ids)
