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
--!include home_checks
local hi = ARGV[1]
local n, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local authors, floor, liked_floor, saved_floor = home_checks(
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], ARGV[4], ttl)
if not authors then return {0, floor} end
local high = '+'
if hi ~= '' then
  if floor and hi <= floor then return {0, 'floor'} end
  high = '(' .. hi
end
local kept = ''
if hi == '' then kept = redis.call('GET', KEYS[5]) or '' end
local out = {1, floor or '', liked_floor or '', saved_floor or '', kept, #authors}
for _, author in ipairs(authors) do out[#out + 1] = author end
local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], high, '(!~', 'LIMIT', 0, n)
for _, id in ipairs(ids) do out[#out + 1] = id end
return out
