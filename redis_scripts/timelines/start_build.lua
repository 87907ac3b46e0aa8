-- Title: Claim the build of a missing window
-- KEYS[1]: the window
-- KEYS[2]: its generation key (bumped when what the window is made from changes)
-- Returns: the generation to finish the build with, or nil when the
-- window exists
--
-- Marks the window as being built (`!?`) for 60 s at most, so a builder that dies leaves nothing
-- behind for long.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
redis.call('ZADD', KEYS[1], 0, '!?')
redis.call('EXPIRE', KEYS[1], 60)
return redis.call('GET', KEYS[2]) or '0'
