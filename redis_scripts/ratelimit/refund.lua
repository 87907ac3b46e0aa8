-- Title: Give back a reserved attempt (a login that succeeded), never below zero
-- KEYS[1]: the window's counter
-- Returns: the count before the refund
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n
