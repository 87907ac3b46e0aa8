-- Title: The home feed's newest page in one call on one Redis server, from the hints of the last
-- KEYS[1]: the viewer's home timeline
-- KEYS[2]: the viewer's celebrity set
-- KEYS[3]: the viewer's block set
-- KEYS[4]: the viewer's liked window
-- KEYS[5]: the viewer's kept celebrity merge (JSON, made by timelines/fastpage.py)
-- KEYS[6]: the viewer's mute set
-- KEYS[7]: the viewer's saved window
-- KEYS[8]: the in-flight set
-- KEYS[9]: the cached session (returned as it is, for the caller to check)
-- KEYS[10..]: the hinted celebrities' version keys (ARGV[7] of them), then the hinted posts'
--   fragment keys
-- ARGV[1]: n: how many ids to read per source
-- ARGV[2]: want: limit + 1 (the extra id says an older page exists)
-- ARGV[3]: limit: the posts on the page
-- ARGV[4]: the timeline's inactivity TTL to refresh, seconds (0: no touch)
-- ARGV[5]: now, epoch ms
-- ARGV[6]: "1" when the session is to be returned
-- ARGV[7]: how many hinted celebrities
-- ARGV[8..]: the hinted celebrities' ids (sorted), then the hinted posts' ids
-- Returns: {0, why} when the hints do not make the page (timelines/fastpage.py then reads it in
--   its pipelines), else {1, JSON of the first `limit` posts, session or "", id1, id2, ...}
--
-- Called by timelines/fastpage.py on one Redis server only: its keys sit in many slots (the
-- viewer's, the in-flight set's, each celebrity's, each post's), which a Redis Cluster refuses
-- in one script; there the same page takes the pipelines. Every key it touches is in KEYS. It
-- answers only what the pipelines would: the same checks (home_checks), the kept merge only
-- when every version it names is current, the same floors, and it declines (rather than reads
-- further) when the page needs a celebrity or a post the hints did not name.
--!include home_checks
local n, want, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local hinted_authors = tonumber(ARGV[7])
local authors, floor, liked_floor, saved_floor = home_checks(
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], ARGV[5], ttl)
if not authors then return {0, floor} end
-- The celebrities must be the hinted ones (given sorted: the kept merge's signature is in that
-- order, each with its version key at the same place in KEYS).
if #authors ~= hinted_authors then return {0, 'hints'} end
local hinted = {}
for i = 1, hinted_authors do hinted[ARGV[7 + i]] = true end
for _, author in ipairs(authors) do
  if not hinted[author] then return {0, 'hints'} end
end
-- Where each hinted post's fragment key is in KEYS, by id.
local fragment_at = {}
for i = 8 + hinted_authors, #ARGV do
  fragment_at[ARGV[i]] = 2 + i
end
-- Sources newest first: once one holds n ids, the page is among ids >= its n-th (`safe`).
local lists, regular, safe = {}, {}, nil
local function add(got, is_regular)
  local kept = {}
  for _, id in ipairs(got) do
    if #kept >= n then break end
    if safe == nil or id >= safe then kept[#kept + 1] = id end
  end
  if #kept >= n and (safe == nil or kept[n] > safe) then safe = kept[n] end
  if #kept > 0 then
    lists[#lists + 1] = kept
    regular[#regular + 1] = is_regular
  end
end
add(redis.call('ZREVRANGEBYLEX', KEYS[1], '+', '(!~', 'LIMIT', 0, n), true)
if #authors > 0 then
  local vkeys = {}
  for i = 1, hinted_authors do vkeys[i] = KEYS[9 + i] end
  local versions = redis.call('MGET', unpack(vkeys))
  local parts = {}
  for i = 1, hinted_authors do
    if not versions[i] then return {0, 'version'} end
    parts[i] = ARGV[7 + i] .. '=' .. versions[i]
  end
  local kept = redis.call('GET', KEYS[5])
  if not kept then return {0, 'merge'} end
  local decoded, m = pcall(cjson.decode, kept)
  if not decoded or type(m) ~= 'table' or m.sig ~= table.concat(parts, ',')
      or (tonumber(m.n) or 0) < n or type(m.ids) ~= 'table' then
    return {0, 'merge'}
  end
  if m.floor and m.floor ~= '' and (floor == nil or m.floor > floor) then floor = m.floor end
  add(m.ids, true)
end
add(redis.call('ZREVRANGEBYLEX', KEYS[8], '+', '(!~', 'LIMIT', 0, n), false)
-- The page: the newest `want` ids of every source (each newest first) without repeats, merged
-- step by step (a few sources: cheaper than sorting them together).
local pos = {}
for i = 1, #lists do pos[i] = 1 end
local ids, fkeys = {}, {}
while #ids < want do
  local best = nil
  for i = 1, #lists do
    local head = lists[i][pos[i]]
    if head and (best == nil or head > best) then best = head end
  end
  if best == nil then break end
  local from_regular = false
  for i = 1, #lists do
    if lists[i][pos[i]] == best then
      pos[i] = pos[i] + 1
      from_regular = from_regular or regular[i]
    end
  end
  if (safe and best < safe) or (floor and best < floor) then return {0, 'floor'} end
  if not from_regular then return {0, 'inflight'} end
  if liked_floor and best < liked_floor then return {0, 'liked'} end
  if saved_floor and best < saved_floor then return {0, 'saved'} end
  local at = fragment_at[best]
  if not at then return {0, 'hints'} end
  ids[#ids + 1] = best
  fkeys[#fkeys + 1] = KEYS[at]
end
if #ids < want and (safe or floor) then return {0, 'floor'} end
local session = ''
if ARGV[6] == '1' then session = redis.call('GET', KEYS[9]) or '' end
local out = {1, '[]', session}
if #ids == 0 then return out end
local fragments = redis.call('MGET', unpack(fkeys))
local liked_flags = redis.call('ZMSCORE', KEYS[4], unpack(ids))
local saved_flags = redis.call('ZMSCORE', KEYS[7], unpack(ids))
-- Fragments are stored open (no closing brace): each is followed by its flags and the brace.
local flags = {
  [true] = {[true] = ',"liked":true,"saved":true}', [false] = ',"liked":true,"saved":false}'},
  [false] = {[true] = ',"liked":false,"saved":true}', [false] = ',"liked":false,"saved":false}'},
}
local parts = {'['}
for i, id in ipairs(ids) do
  local fragment = fragments[i]
  if not fragment or string.byte(fragment, 1) ~= 123 then return {0, 'fragment'} end
  out[#out + 1] = id
  if i <= limit then
    if i > 1 then parts[#parts + 1] = ',' end
    parts[#parts + 1] = fragment
    parts[#parts + 1] = flags[liked_flags[i] ~= false][saved_flags[i] ~= false]
  end
end
parts[#parts + 1] = ']'
out[2] = table.concat(parts)
return out
