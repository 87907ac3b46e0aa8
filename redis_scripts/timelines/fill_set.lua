-- Title: Load a set read from the graph, unless what it was made from changed meanwhile
-- KEYS[1]: the set (a viewer's follows)
-- KEYS[2]: its owner's generation key (bumped by every follow change)
-- ARGV[1]: the generation read before the graph (timelines/store.py `generation`)
-- ARGV[2]: the set's TTL in seconds
-- ARGV[3..]: the members: the sentinel first, then what the graph answered
-- Returns: 1 when the set was loaded, 0 when the generation moved (nothing is written)
--
-- The set is replaced whole, so a load never mixes with an older one. The repair epoch is a key
-- of no slot in particular, so timelines/store.py checks it after this script.
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 5000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
