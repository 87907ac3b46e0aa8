-- Title: The home feed's newest page in one call, from the hints of the viewer's last page
-- KEYS[1]: the viewer's home timeline
-- KEYS[2]: the viewer's celebrity set
-- KEYS[3]: the viewer's block set
-- KEYS[4]: the viewer's liked window
-- KEYS[5]: the viewer's kept celebrity merge (JSON, made by timelines/fastpage.py)
-- KEYS[6]: the viewer's mute set
-- KEYS[7]: the viewer's saved window
-- KEYS[8]: the cached session (returned as it is, for the caller to check; one server only)
-- KEYS[9..]: the hinted celebrities' version keys (ARGV[6] of them; one server only)
-- ARGV[1]: n: how many ids to read per source
-- ARGV[2]: want: limit + 1 (the extra id says an older page exists)
-- ARGV[3]: the timeline's inactivity TTL to refresh, seconds (0: no touch)
-- ARGV[4]: now, epoch ms
-- ARGV[5]: "1" when the session is to be returned
-- ARGV[6]: how many hinted celebrities
-- ARGV[7..]: the hinted celebrities' ids (sorted), then the hinted posts' ids
-- Returns: {0, why} when the hints do not make the page (timelines/fastpage.py then reads it in
--   its pipelines), else {1, flags, session or "", the kept merge's signature or "", id1, id2,
--   ...}: up to `want` ids newest first, and per id one digit of `flags`, 1 when the viewer
--   liked the post plus 2 when the viewer saved it
--
-- Called by timelines/fastpage.py. Every key it touches is in KEYS. It answers only what the
-- pipelines would: the same checks (home_checks), the same floors, and it declines (rather than
-- reads further) when the page needs a celebrity or a post the hints did not name. The posts'
-- fragments are not read here: the caller sends their read right behind this call, in the same
-- write, and declines (to the pipelines) when one is missing; Redis then writes each fragment
-- straight from its value, where a Lua copy, join and reply of them cost a third of the call.
--
-- On one Redis server it is handed every key the page reads (KEYS[8..]) and takes the kept merge
-- only when every version it names is current. On Redis Cluster those keys sit in other slots
-- than the viewer's, and only the viewer's seven (one slot) are handed in: the caller reads the
-- session and the versions in the same write (beside the fragments) and takes the page only
-- when the returned signature is the versions it read. Either way the caller reads the in-flight
-- set just before this call and checks whether a post in it that would be on the page may be
-- the viewer's (timelines/fastpage.py `_check_in_flight`). The page is the pipelines' page.
--!include home_checks
local n, want = tonumber(ARGV[1]), tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local hinted_authors = tonumber(ARGV[6])
local authors, floor, liked_floor, saved_floor = home_checks(
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], ARGV[4], ttl)
if not authors then return {0, floor} end
-- The celebrities must be the hinted ones (given sorted: the kept merge's signature is in that
-- order, each with its version key at the same place in KEYS).
if #authors ~= hinted_authors then return {0, 'hints'} end
local hinted = {}
for i = 1, hinted_authors do hinted[ARGV[6 + i]] = true end
for _, author in ipairs(authors) do
  if not hinted[author] then return {0, 'hints'} end
end
local hinted_posts = {}
for i = 7 + hinted_authors, #ARGV do hinted_posts[ARGV[i]] = true end
-- Sources newest first: once one holds n ids, the page is among ids >= its n-th (`safe`).
local lists, safe = {}, nil
local function add(got)
  local kept = {}
  for _, id in ipairs(got) do
    if #kept >= n then break end
    if safe == nil or id >= safe then kept[#kept + 1] = id end
  end
  if #kept >= n and (safe == nil or kept[n] > safe) then safe = kept[n] end
  if #kept > 0 then
    lists[#lists + 1] = kept
  end
end
local one_server = #KEYS > 7
local signature = ''
add(redis.call('ZREVRANGEBYLEX', KEYS[1], '+', '(!~', 'LIMIT', 0, n))
if #authors > 0 then
  local kept = redis.call('GET', KEYS[5])
  if not kept then return {0, 'merge'} end
  local decoded, m = pcall(cjson.decode, kept)
  if not decoded or type(m) ~= 'table' or type(m.sig) ~= 'string'
      or (tonumber(m.n) or 0) < n or type(m.ids) ~= 'table' then
    return {0, 'merge'}
  end
  if one_server then
    local vkeys = {}
    for i = 1, hinted_authors do vkeys[i] = KEYS[8 + i] end
    local versions = redis.call('MGET', unpack(vkeys))
    local parts = {}
    for i = 1, hinted_authors do
      if not versions[i] then return {0, 'version'} end
      parts[i] = ARGV[6 + i] .. '=' .. versions[i]
    end
    if m.sig ~= table.concat(parts, ',') then return {0, 'merge'} end
  end
  signature = m.sig
  if m.floor and m.floor ~= '' and (floor == nil or m.floor > floor) then floor = m.floor end
  add(m.ids)
end
-- The page: the newest `want` ids of every source (each newest first) without repeats, merged
-- step by step (a few sources: cheaper than sorting them together).
local pos = {}
for i = 1, #lists do pos[i] = 1 end
local ids = {}
while #ids < want do
  local best = nil
  for i = 1, #lists do
    local head = lists[i][pos[i]]
    if head and (best == nil or head > best) then best = head end
  end
  if best == nil then break end
  for i = 1, #lists do
    if lists[i][pos[i]] == best then
      pos[i] = pos[i] + 1
    end
  end
  if (safe and best < safe) or (floor and best < floor) then return {0, 'floor'} end
  if liked_floor and best < liked_floor then return {0, 'liked'} end
  if saved_floor and best < saved_floor then return {0, 'saved'} end
  if not hinted_posts[best] then return {0, 'hints'} end
  ids[#ids + 1] = best
end
if #ids < want and (safe or floor) then return {0, 'floor'} end
local session = ''
if one_server and ARGV[5] == '1' then session = redis.call('GET', KEYS[8]) or '' end
local out = {1, '', session, signature}
if #ids == 0 then return out end
local liked_flags = redis.call('ZMSCORE', KEYS[4], unpack(ids))
local saved_flags = redis.call('ZMSCORE', KEYS[7], unpack(ids))
local flags = {}
for i, id in ipairs(ids) do
  out[#out + 1] = id
  flags[i] = (liked_flags[i] and 1 or 0) + (saved_flags[i] and 2 or 0)
end
out[2] = table.concat(flags)
return out
