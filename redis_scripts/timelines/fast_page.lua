-- Title: The home feed's common page in one round trip: merge, render, liked flags
-- KEYS[1]: the viewer's home timeline, <ns>:home:<viewer> (holds its place, see below)
-- KEYS[2]: the viewer's celebrity set, <ns>:celebs:<viewer> (holds its place)
-- KEYS[3]: the viewer's block set, <ns>:blocks:<viewer> (holds its place)
-- KEYS[4]: the viewer's liked window, <ns>:liked:<viewer> (holds its place)
-- KEYS[5]: the in-flight set, <ns>:inflight
-- KEYS[6]: the cached session, session:<sid> (wire/sessions.py), read when ARGV[7] is ""
-- ARGV[1]: the timeline namespace <ns>
-- ARGV[2]: max_id ("" for none: the newest page)
-- ARGV[3]: n: how many ids to read per source
-- ARGV[4]: want: limit + 1 (the extra id says an older page exists)
-- ARGV[5]: limit: the posts on the page
-- ARGV[6]: the timeline's inactivity TTL to refresh, seconds (0: no touch)
-- ARGV[7]: the viewer's id ("": the one of the cached session, KEYS[6])
-- ARGV[8]: the TTL of the kept celebrity merge, seconds
-- Returns: {0, why} when the full path must answer, else {1, json, viewer id, id1, id2, ...}
--   with up to `want` ids and the JSON array of the first `limit` posts
--
-- Called by timelines/fastpage.py. The script names the viewer's own keys (KEYS[1] to KEYS[4]
-- only hold their place: the viewer may come from the session), and reads the celebrities'
-- lists and versions, the kept merge and the post fragments by names it builds: fine on one
-- Redis server, not on Redis Cluster (docs/redis-scripts.md).
--
-- Each post is its fragment (<ns>:pf:<post>: the `Post` JSON without `liked` and its closing
-- brace, made from the pydantic model by timelines/views.py) followed by `,"liked":…}`.
--
-- The celebrity merge: a newest-first page merges every followed celebrity's list, two commands
-- and a merge step per celebrity (a reader of 20 celebrities spent most of the script there).
-- The first page's merge is kept per viewer (<ns>:cm:<viewer>: the newest n ids of all their
-- celebrities' lists, exact as a top n, with the highest floor among the lists) and used while
-- nothing it was made from changed: it records the version of each list (<ns>:av:<author>,
-- replaced by every post and deletion of the author: timelines/hooks.py) and the viewer's
-- celebrity set itself. A version that is missing (expired, evicted, never made) is minted here
-- from Redis's clock before the merge is made, so a merge always names versions that existed
-- when it was made, and one that went missing since can never match again.
--!include coverage
local ns, hi = ARGV[1], ARGV[2]
local n, want = tonumber(ARGV[3]), tonumber(ARGV[4])
local limit, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local me = ARGV[7]
local merge_ttl = tonumber(ARGV[8])
if me == '' then
  -- The viewer from the cached session (wire/sessions.py: {"id": ..., ...}); anything else
  -- (missing, revoked, unreadable) is for the full path, which authenticates properly.
  local session = redis.call('GET', KEYS[6])
  if not session then return {0, 'session'} end
  local decoded, data = pcall(cjson.decode, session)
  if not decoded or type(data) ~= 'table' or type(data.id) ~= 'string' then
    return {0, 'session'}
  end
  -- An app's token needs `read` or `read:statuses` (api/auth/scopes.py); null is first-party.
  -- Anything else goes to the full path, which refuses it with the API's own 403.
  if data.scopes ~= cjson.null then
    if type(data.scopes) ~= 'table' then return {0, 'session'} end
    local may = false
    for _, scope in ipairs(data.scopes) do
      if scope == 'read' or scope == 'read:statuses' then may = true end
    end
    if not may then return {0, 'scope'} end
  end
  me = data.id
end
-- The viewer's own keys, named here (KEYS[1] to KEYS[4] only hold their place).
local home = ns .. ':home:' .. me
local celebs_key = ns .. ':celebs:' .. me
local blocks_key = ns .. ':blocks:' .. me
local liked_key = ns .. ':liked:' .. me
local ok, floor = coverage(home)
if not ok then return {0, 'timeline'} end
local celebs = redis.call('SMEMBERS', celebs_key)
if #celebs == 0 then return {0, 'celebrities'} end
local blocks = redis.call('SCARD', blocks_key)
if blocks ~= 1 then return {0, 'blocks'} end
local liked_ok, liked_floor = coverage(liked_key)
if not liked_ok then return {0, 'liked'} end
if ttl > 0 then
  redis.call('EXPIRE', home, ttl)
  redis.call('EXPIRE', celebs_key, ttl)
end
local high = '+'
if hi ~= '' then high = '(' .. hi end
if hi ~= '' and floor and hi <= floor then return {0, 'floor'} end
-- Merge newest-first lists as far as `count` distinct ids (sorting every candidate costs more:
-- string order comparisons are what a script here spends its time on). `regular[i]`: list i is
-- a timeline or author list, not the in-flight set; seen[id] says whether a regular list had id.
local function merge(lists, regular, count)
  local ids, seen, pos = {}, {}, {}
  for i = 1, #lists do pos[i] = 1 end
  while #ids < count do
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
    ids[#ids + 1] = best
    seen[best] = from_regular
  end
  return ids, seen
end
-- A celebrity's list from `upper` down to `lower` (at most n ids) and its floor; nil when the
-- list is missing or being built (the full path builds it).
local function author_range(author, upper, lower)
  local key = ns .. ':author:' .. author
  local aok, afloor = coverage(key)
  if not aok then return nil end
  return redis.call('ZREVRANGEBYLEX', key, upper, lower, 'LIMIT', 0, n), afloor
end
-- The first page's celebrity merge (see above): the newest n ids of every followed celebrity's
-- list and the highest floor among them, from the viewer's kept merge when every version it
-- names is still current, else made from the lists and kept. nil, why: the full path answers.
local function celebrity_merge()
  local authors, vkeys = {}, {}
  for _, author in ipairs(celebs) do
    if author ~= '!' then
      authors[#authors + 1] = author
      vkeys[#vkeys + 1] = ns .. ':av:' .. author
    end
  end
  if #authors == 0 then return {}, nil end
  local versions = redis.call('MGET', unpack(vkeys))
  local stamp = nil
  local parts = {}
  for i, author in ipairs(authors) do
    local version = versions[i]
    if not version then
      if not stamp then
        local t = redis.call('TIME')
        stamp = 'r' .. t[1] .. string.format('%06d', tonumber(t[2]))
      end
      version = stamp
      redis.call('SET', vkeys[i], version, 'EX', merge_ttl * 2)
    end
    parts[i] = author .. '=' .. version
  end
  local signature = table.concat(parts, ',')
  local merge_key = ns .. ':cm:' .. me
  local kept = redis.call('GET', merge_key)
  if kept then
    local decoded, m = pcall(cjson.decode, kept)
    if decoded and type(m) == 'table' and m.sig == signature and tonumber(m.n) >= n then
      local mfloor = m.floor
      if mfloor == '' then mfloor = nil end
      return m.ids, mfloor
    end
  end
  local lists, regular, mfloor = {}, {}, nil
  for _, author in ipairs(authors) do
    local got, afloor = author_range(author, '+', '(!~')
    if not got then return nil, 'author' end
    if afloor and (mfloor == nil or afloor > mfloor) then mfloor = afloor end
    if #got > 0 then
      lists[#lists + 1] = got
      regular[#regular + 1] = true
    end
  end
  local ids = merge(lists, regular, n)
  -- cjson writes an empty table as {}; it reads back as an empty table all the same.
  redis.call('SET', merge_key,
    cjson.encode({sig = signature, n = n, floor = mfloor or '', ids = ids}), 'EX', merge_ttl)
  return ids, mfloor
end
local lists, regular, safe = {}, {}, nil
-- Once one list holds `n` ids, the page is among ids >= its last: later lists are read only
-- down to there (a viewer's timeline usually bounds every celebrity list to a few ids).
local low = '(!~'
local function add(got, is_regular)
  if #got >= n and (safe == nil or got[n] > safe) then
    safe = got[n]
    low = '[' .. safe
  end
  if #got > 0 then
    lists[#lists + 1] = got
    regular[#regular + 1] = is_regular
  end
end
local function take(key, is_regular)
  add(redis.call('ZREVRANGEBYLEX', key, high, low, 'LIMIT', 0, n), is_regular)
end
take(home, true)
if hi == '' then
  local merged, mfloor = celebrity_merge()
  if not merged then return {0, mfloor} end
  if mfloor and (floor == nil or mfloor > floor) then floor = mfloor end
  -- A kept merge may hold more than n ids (made for a longer page): a page of n never reads past
  -- its n-th, the one `add` takes as the bound.
  add(merged, true)
else
  for _, author in ipairs(celebs) do
    if author ~= '!' then
      local got, afloor = author_range(author, high, low)
      if not got then return {0, 'author'} end
      if afloor and (floor == nil or afloor > floor) then floor = afloor end
      add(got, true)
    end
  end
end
take(KEYS[5], false)
local ids, seen = merge(lists, regular, want)
local out, parts = {1, '', me}, {}
local keys = {}
for i, id in ipairs(ids) do
  if (safe and id < safe) or (floor and id < floor) then return {0, 'floor'} end
  if not seen[id] then return {0, 'inflight'} end
  if liked_floor and id < liked_floor then return {0, 'liked'} end
  keys[i] = ns .. ':pf:' .. id
  out[#out + 1] = id
end
if #ids < want and (safe or floor) then return {0, 'floor'} end
if #ids == 0 then
  out[2] = '[]'
  return out
end
local fragments = redis.call('MGET', unpack(keys))
local liked = redis.call('ZMSCORE', liked_key, unpack(ids))
-- Fragments are stored open (no closing brace): each is followed by its liked flag and the
-- brace in one table.concat, with no string built per post.
local T, F = ',"liked":true}', ',"liked":false}'
parts[1] = '['
for i = 1, math.min(#ids, limit) do
  local fragment = fragments[i]
  if not fragment or string.byte(fragment, 1) ~= 123 then return {0, 'fragment'} end
  if i > 1 then parts[#parts + 1] = ',' end
  parts[#parts + 1] = fragment
  parts[#parts + 1] = liked[i] and T or F
end
if #ids > limit then
  local extra = fragments[#ids]
  if not extra or string.byte(extra, 1) ~= 123 then return {0, 'fragment'} end
end
parts[#parts + 1] = ']'
out[2] = table.concat(parts)
return out
