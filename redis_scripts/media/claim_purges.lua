-- Title: Claim the edge purges that are due
-- KEYS[1]: the pending purges (sorted set scored by when each is due)
-- ARGV[1]: now (the highest score that is due)
-- ARGV[2]: when a claim's lease ends (the claimed entries' new score)
-- ARGV[3]: the most entries to claim
-- Returns: the claimed entries
--
-- Claimed entries are pushed a lease into the future, so concurrent workers skip them and a
-- worker that dies leaves them due again later (media/edge.py).
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
