-- Title: Release an Idempotency-Key claim only if it is still ours
-- KEYS[1]: the key's record (holding the claim while the first request runs)
-- ARGV[1]: our claim token
-- Returns: 1 when released, 0 when the claim was no longer ours (it expired and was retaken)
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
