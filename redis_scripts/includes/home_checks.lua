-- Include: home_checks(home, celebs, blocks, liked, mutes, saved, now, ttl), the viewer's part of
-- the home feed's common page (timelines/fastpage.py), every key the viewer's: the timeline and
-- both flag windows must be exact (coverage), the viewer in no block, with no mute that has
-- ended (a set not loaded counts as one), and a celebrity set that exists. Refreshes the
-- inactivity TTL when ttl > 0. Returns nil, why when the full path must answer, else the
-- followed celebrities' ids, the timeline's floor, the liked and the saved window's floors.
--!include coverage
local function home_checks(home, celebs_key, blocks, liked, mutes, saved, now, ttl)
  local ok, floor = coverage(home)
  if not ok then return nil, 'timeline' end
  local celebs = redis.call('SMEMBERS', celebs_key)
  if #celebs == 0 then return nil, 'celebrities' end
  if redis.call('SCARD', blocks) ~= 1 then return nil, 'blocks' end
  -- Muted authors' posts are kept out of the timeline and the celebrity set; a mute that has
  -- ended (or a set not loaded) sends the page to the full path, which brings the posts back.
  if not redis.call('ZSCORE', mutes, '!') then return nil, 'mutes' end
  if #redis.call('ZRANGEBYSCORE', mutes, 0, now, 'LIMIT', 0, 1) > 0 then return nil, 'mutes' end
  local liked_ok, liked_floor = coverage(liked)
  if not liked_ok then return nil, 'liked' end
  local saved_ok, saved_floor = coverage(saved)
  if not saved_ok then return nil, 'saved' end
  if ttl > 0 then
    redis.call('EXPIRE', home, ttl)
    redis.call('EXPIRE', celebs_key, ttl)
    redis.call('EXPIRE', mutes, ttl)
  end
  local authors = {}
  for _, author in ipairs(celebs) do
    if author ~= '!' then authors[#authors + 1] = author end
  end
  return authors, floor, liked_floor, saved_floor
end
