-- Title: Lower an exact-from-floor window's floor with ids read from the graph
-- KEYS[1]: the window
-- KEYS[2]: its generation key
-- ARGV[1]: the generation seen before the graph read
-- ARGV[2]: the new floor
-- ARGV[3]: cap: the most ids the window keeps
-- ARGV[4..]: every id from the new floor on
-- Returns: 1 when applied (or the window already reaches that far), 0 when not
--
-- Not applied when the generation moved meanwhile (a removal raced the read; the repair epoch
-- is checked after it by timelines/store.py) or the window is missing or being built. Trims
-- to the cap newest, moving the floor back up if it must.
--!include coverage
local generation = redis.call('GET', KEYS[2]) or '0'
if generation ~= ARGV[1] then
  return 0
end
local exact, floor_now = coverage(KEYS[1])
if not exact then
  return 0
end
if floor_now == nil or ARGV[2] >= floor_now then
  return 1
end
-- A window holding nothing but its sentinel is deleted by the sentinel's ZREM below (Redis drops
-- an empty sorted set, and its TTL with it): the TTL is put back at the end.
local ttl = redis.call('PTTL', KEYS[1])
for i = 4, #ARGV do
  redis.call('ZADD', KEYS[1], 0, ARGV[i])
end
redis.call('ZREM', KEYS[1], '!' .. floor_now)
local floor = ARGV[2]
local cap = tonumber(ARGV[3])
local size = redis.call('ZCARD', KEYS[1])
if size > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - cap - 1)
  floor = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
end
redis.call('ZADD', KEYS[1], 0, '!' .. floor)
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
