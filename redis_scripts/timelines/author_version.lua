-- Title: An author list's version, minted from Redis's clock when it is missing
-- KEYS[1]: the author's version key
-- ARGV[1]: the TTL of a minted version, seconds
-- Returns: the version
--
-- A kept celebrity merge names the version of every list it was made from (timelines/hooks.py
-- replaces a version at each post and deletion). A version that went missing (expired, evicted,
-- never made) is minted here before a merge is made, so a merge always names versions that
-- existed when it was made, and one that went missing since can never match again.
local version = redis.call('GET', KEYS[1])
if version then return version end
local t = redis.call('TIME')
version = 'r' .. t[1] .. string.format('%06d', tonumber(t[2]))
redis.call('SET', KEYS[1], version, 'EX', tonumber(ARGV[1]))
return version
