-- Title: Add post ids to every window that exists, trimmed to the cap newest
-- KEYS[1..]: the windows (home timelines, author lists, liked windows)
-- ARGV[1]: cap: the most ids a window keeps
-- ARGV[2]: the lowest id the members are exact from ("" when they are complete)
-- ARGV[3..]: the ids to add
-- Returns: how many windows took them
--
-- A window that trims moves its floor up to its lowest id kept; a floor below ARGV[2] moves up
-- to ARGV[2]. A window being built (`!?`) keeps its sentinel.
local added = 0
local cap = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    for i = 3, #ARGV do
      redis.call('ZADD', key, 0, ARGV[i])
    end
    local size = redis.call('ZCARD', key)
    local floor = nil
    if size > cap + 1 then
      redis.call('ZREMRANGEBYRANK', key, 1, size - cap - 1)
      floor = redis.call('ZRANGE', key, 1, 1)[1]
    end
    local sentinel = redis.call('ZRANGE', key, 0, 0)[1]
    if ARGV[2] ~= '' and (floor == nil or floor < ARGV[2]) then
      floor = ARGV[2]
    end
    if floor ~= nil and sentinel ~= '!?' and sentinel < '!' .. floor then
      redis.call('ZREM', key, sentinel)
      redis.call('ZADD', key, 0, '!' .. floor)
    end
    added = added + 1
  end
end
return added
