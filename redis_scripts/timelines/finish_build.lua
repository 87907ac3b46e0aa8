-- Title: Finish a window's build with the ids read from the graph
-- KEYS[1]: the window (marked `!?` by timelines/start_build)
-- KEYS[2]: its generation key
-- ARGV[1]: the generation start_build returned (read before the graph)
-- ARGV[2]: the floor: "" for every id, "*" for the oldest id loaded, or an id
-- ARGV[3]: cap: the most ids the window keeps
-- ARGV[4]: the window's TTL in seconds (0: none)
-- ARGV[5..]: the ids
-- Returns: 1 when the window was finished, 0 when it was dropped
--
-- Unless the owner's follow set changed meanwhile (the generation moved) or the build was taken
-- away: then the window is dropped and the next read builds it again. The repair epoch is a key
-- of no slot in particular, so timelines/store.py checks it after this script: a build that
-- read the graph before a repair drops its window itself.
local current = redis.call('GET', KEYS[2]) or '0'
if current ~= ARGV[1] or redis.call('ZSCORE', KEYS[1], '!?') == false then
  redis.call('DEL', KEYS[1])
  return 0
end
for i = 5, #ARGV do
  redis.call('ZADD', KEYS[1], 0, ARGV[i])
end
local cap = tonumber(ARGV[3])
local size = redis.call('ZCARD', KEYS[1])
local floor = ARGV[2]
if size > cap + 1 then
  -- rank 0 is still the BUILDING sentinel
  redis.call('ZREMRANGEBYRANK', KEYS[1], 1, size - cap - 1)
  floor = '*'
end
redis.call('ZREM', KEYS[1], '!?')
if floor == '*' then
  floor = redis.call('ZRANGE', KEYS[1], 0, 0)[1] or ''
end
redis.call('ZADD', KEYS[1], 0, '!' .. floor)
if tonumber(ARGV[4]) > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
else
  redis.call('PERSIST', KEYS[1])
end
return 1
