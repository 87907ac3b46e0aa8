-- Title: The home feed's common page, the viewer's part: timeline range, sets, kept merge
-- KEYS[1]: the viewer's home timeline
-- KEYS[2]: the viewer's celebrity set
-- KEYS[3]: the viewer's block set
-- KEYS[4]: the viewer's liked window
-- KEYS[5]: the viewer's kept celebrity merge (JSON, made by timelines/fastpage.py)
-- KEYS[6]: the viewer's mute set (author ids scored by when each mute ends, epoch ms)
-- KEYS[7]: the viewer's saved window
-- ARGV[1]: max_id ("" for none: the newest page)
-- ARGV[2]: n: how many ids to read from the timeline
-- ARGV[3]: the timeline's inactivity TTL to refresh, seconds (0: no touch)
-- ARGV[4]: now, epoch ms
-- Returns: {0, why} when the full path must answer, else {1, timeline floor or "",
--   liked window floor or "", saved window floor or "", kept merge or "", number of
--   celebrities, celebrity ids..., timeline ids...} with up to n timeline ids, newest first
--
-- Called by timelines/fastpage.py. Every key is the viewer's (hash tag {u:<viewer>}), so on a
-- Redis Cluster this runs on the viewer's slot; the celebrities' lists and versions, the
-- in-flight set and the post fragments live in other slots and are read by pipelines around it
-- (timelines/window_range, timelines/author_version).
--!include coverage
local hi = ARGV[1]
local n, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local ok, floor = coverage(KEYS[1])
if not ok then return {0, 'timeline'} end
local celebs = redis.call('SMEMBERS', KEYS[2])
if #celebs == 0 then return {0, 'celebrities'} end
if redis.call('SCARD', KEYS[3]) ~= 1 then return {0, 'blocks'} end
-- Muted authors' posts are kept out of the timeline and the celebrity set; a mute that has ended
-- (or a set not loaded) sends the page to the full path, which brings the posts back.
if not redis.call('ZSCORE', KEYS[6], '!') then return {0, 'mutes'} end
if #redis.call('ZRANGEBYSCORE', KEYS[6], 0, ARGV[4], 'LIMIT', 0, 1) > 0 then
  return {0, 'mutes'}
end
local liked_ok, liked_floor = coverage(KEYS[4])
if not liked_ok then return {0, 'liked'} end
local saved_ok, saved_floor = coverage(KEYS[7])
if not saved_ok then return {0, 'saved'} end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[6], ttl)
end
local high = '+'
if hi ~= '' then
  if floor and hi <= floor then return {0, 'floor'} end
  high = '(' .. hi
end
local kept = ''
if hi == '' then kept = redis.call('GET', KEYS[5]) or '' end
local out = {1, floor or '', liked_floor or '', saved_floor or '', kept, 0}
for _, author in ipairs(celebs) do
  if author ~= '!' then
    out[#out + 1] = author
    out[6] = out[6] + 1
  end
end
local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], high, '(!~', 'LIMIT', 0, n)
for _, id in ipairs(ids) do out[#out + 1] = id end
return out
