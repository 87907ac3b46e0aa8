-- Title: Invalidate cache keys with a tombstone stamped with Redis's clock
-- KEYS[1..]: the keys to invalidate
-- ARGV[1]: the tombstone's TTL in seconds
-- Returns: the tombstone, "-<Redis time in microseconds>"
--
-- A fill can then tell whether it read the graph after the invalidation (and may replace the
-- tombstone at once) or before it (and must not): timelines/fill_after. Redis's clock, not the
-- API processes', orders both.
local t = redis.call('TIME')
local mark = '-' .. t[1] .. string.format('%06d', tonumber(t[2]))
for _, key in ipairs(KEYS) do
  redis.call('SET', key, mark, 'EX', ARGV[1])
end
return mark
