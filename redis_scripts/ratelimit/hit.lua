-- Title: Count one attempt in a fixed window
-- KEYS[1]: the window's counter
-- ARGV[1]: the window, in milliseconds
-- Returns: {the count after this attempt, milliseconds until the window ends}
--
-- INCR and the window's expiry on its first hit in one step, so no race slips between the
-- check and the count (api/ratelimit.py).
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
