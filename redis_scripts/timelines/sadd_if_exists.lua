-- Title: Add a member to every set that exists
-- KEYS[1..]: the sets (the celebrity sets of active users)
-- ARGV[1]: the member (an author who just became a celebrity)
-- Returns: how many sets took it
local added = 0
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('SADD', key, ARGV[1])
    added = added + 1
  end
end
return added
