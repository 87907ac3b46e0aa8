"""The home feed's common page in one Redis round trip: one Lua script merges, renders and
returns the page as JSON.

`timelines/feed.py` answers every page correctly with a few pipelines and Python around them.
Most requests, though, are the plain case: newest first (no cursor or `max_id`), a timeline and
celebrity set that exist, a viewer in no block, no post of the page still in flight, every post's
rendered fragment cached. For those, `FAST_PAGE` does the whole merge inside Redis (the home
timeline, the followed celebrities' author lists, the in-flight set), reads each post's rendered
fragment (`<ns>:pf:<post>`: the `Post` JSON without `liked` and its closing brace, compact,
signed media URLs included, kept
for one URL-signing window) and the viewer's liked window, and returns the page's JSON text:
Python only passes the bytes on. Whenever the script meets anything else it answers "no", and
the full path (which also fills the fragments) serves the request; the answers are the same
either way (`tests/test_timelines_churn.py` compares them with the Cypher feed).

The script reads keys it is not handed (author lists, fragments), which a single Redis server
allows and Redis Cluster does not: with `timeline_fast_page = false` (set it on a cluster) every
page takes the full path.
"""

from __future__ import annotations

import hashlib
import logging
import random
from typing import Any

from redis.exceptions import NoScriptError

from backends import Backends
from graphgram.metrics import cache_lookup
from timelines.store import Keys

# KEYS: home, celebs, blocks, liked (all four derived from the viewer inside), inflight, session.
# ARGV: namespace, max_id ("" for none), per-source fetch n, want (limit + 1), limit, ttl (0: no
# touch), viewer id ("": the one of the cached session), TTL of the celebrity merge (seconds).
# Returns {0, why} when the full path must answer, else {1, json, viewer id, id1, id2, ...} with
# up to `want` ids (the extra one says an older page exists) and the JSON array of the first
# `limit`.
#
# The celebrity merge: a newest-first page merges every followed celebrity's list, two commands
# and a merge step per celebrity (a reader of 20 celebrities spent most of the script there).
# The first page's merge is kept per viewer (`<ns>:cm:<viewer>`: the newest n ids of all their
# celebrities' lists, exact as a top n, with the highest floor among the lists) and used while
# nothing it was made from changed: it records the version of each list
# (`<ns>:av:<author>`, replaced by every post and deletion of the author: timelines/hooks.py) and
# the viewer's celebrity set itself. A version that is missing (expired, evicted, never made) is
# minted here from Redis's clock before the merge is made, so a merge always names versions that
# existed when it was made, and one that went missing since can never match again.
FAST_PAGE = """
local function coverage(key)
  local s = redis.call('ZRANGE', key, 0, 0)[1]
  if not s or s == '!?' or string.sub(s, 1, 1) ~= '!' then return false, nil end
  if s == '!' then return true, nil end
  return true, string.sub(s, 2)
end
local ns, hi = ARGV[1], ARGV[2]
local n, want = tonumber(ARGV[3]), tonumber(ARGV[4])
local limit, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local me = ARGV[7]
local merge_ttl = tonumber(ARGV[8])
if me == '' then
  -- The viewer from the cached session (api/auth/deps.py: {"id": ..., ...}); anything else
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
KEYS[1] = ns .. ':home:' .. me
KEYS[2] = ns .. ':celebs:' .. me
KEYS[3] = ns .. ':blocks:' .. me
KEYS[4] = ns .. ':liked:' .. me
local ok, floor = coverage(KEYS[1])
if not ok then return {0, 'timeline'} end
local celebs = redis.call('SMEMBERS', KEYS[2])
if #celebs == 0 then return {0, 'celebrities'} end
local blocks = redis.call('SCARD', KEYS[3])
if blocks ~= 1 then return {0, 'blocks'} end
local liked_ok, liked_floor = coverage(KEYS[4])
if not liked_ok then return {0, 'liked'} end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
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
take(KEYS[1], true)
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
local liked = redis.call('ZMSCORE', KEYS[4], unpack(ids))
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
"""

log = logging.getLogger(__name__)

# The share of reads that refresh the timeline's inactivity TTL (as in timelines/feed.py).
TOUCH_SHARE = 0.125
# How long a viewer's kept celebrity merge lives once made (a minted version, twice as long).
# Also the longest a merge can outlive a post whose hook died between changing the author's
# list and replacing its version (Redis failing between two commands): five minutes, against
# one remade merge per active viewer per five minutes.
CELEBRITY_MERGE_TTL_S = 300

SHA = hashlib.sha1(FAST_PAGE.encode()).hexdigest()


async def _evaluate(backends: Backends, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA, loading the script on NOSCRIPT (a restarted or flushed Redis), as redis-py's
    `Script` does, but with the reply left as bytes: the page's JSON goes to the socket as it
    came, instead of being decoded to text and encoded back. Sent with the other requests' pages
    of the same loop turn (`backends.batching`)."""
    command = ("EVALSHA", SHA, len(keys), *keys, *args)
    try:
        return await backends.redis_batched.execute(*command)
    except NoScriptError:
        await backends.redis.script_load(FAST_PAGE)
        return await backends.redis_batched.execute(*command)


async def home_page(
    backends: Backends,
    *,
    limit: int,
    max_id: str | None,
    viewer_id: str = "",
    session_key: str = "",
) -> tuple[str, list[str], bytes] | None:
    """(the viewer's id, up to limit + 1 post ids, the JSON of the first `limit` posts), or
    None when the full path must answer. The viewer is `viewer_id`, or the one whose cached
    session is `session_key` (then the request's one round trip also authenticates it)."""
    settings = backends.settings
    if not settings.timeline_fast_page:
        return None
    k = Keys(settings.timeline_namespace)
    ttl = settings.timeline_inactive_days * 86400 if random.random() < TOUCH_SHARE else 0
    want = limit + 1
    found = await _evaluate(
        backends,
        # The first four are placeholders the script replaces with the viewer's keys.
        [k.home(viewer_id), k.celebs(viewer_id), k.blocks(viewer_id), k.liked(viewer_id)]
        + [k.inflight, session_key],
        # `want` per source: the script filters nothing out (it gives up instead), so no source
        # needs to be read beyond the page, unlike the full path's over-fetch.
        [k.ns, max_id or "", want, want, limit, ttl, viewer_id, CELEBRITY_MERGE_TTL_S],
    )
    served = bool(found) and int(found[0]) == 1
    cache_lookup("feed_page", hit=served)
    if not served:
        log.debug("home page takes the full path: %s", found[1:])
        return None
    return found[2].decode(), [i.decode() for i in found[3:]], bytes(found[1])
