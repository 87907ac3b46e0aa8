-- Title: Fill cache keys unless an invalidation newer than the read is there
-- KEYS[1..]: the cache keys
-- ARGV[1]: when the caller's read began (Redis time in microseconds: store.now_us)
-- ARGV[2]: TTL in seconds
-- ARGV[3..]: one value per key, in the order of KEYS
-- Returns: how many keys were set
--
-- Sets each key that is missing or holds a tombstone (timelines/tombstone) older than the read;
-- leaves a newer tombstone (an invalidation the read may have missed) and a live value.
local started = tonumber(ARGV[1])
local filled = 0
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local stale = current and string.sub(current, 1, 1) == '-'
    and tonumber(string.sub(current, 2)) < started
  if not current or stale then
    redis.call('SET', key, ARGV[2 + i], 'EX', ARGV[2])
    filled = filled + 1
  end
end
return filled
