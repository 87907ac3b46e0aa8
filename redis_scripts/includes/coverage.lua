-- Include: coverage(key), what a window's sentinel says (timelines/store.py): rank 0 of the
-- sorted set is `!` (exact for every id), `!<floor>` (exact for ids >= floor) or `!?` (being
-- built). Returns false, nil for a window that is missing, being built or without a sentinel;
-- true, nil when exact for every id; true, floor when exact from floor up.
local function coverage(key)
  local s = redis.call('ZRANGE', key, 0, 0)[1]
  if not s or s == '!?' or string.sub(s, 1, 1) ~= '!' then return false, nil end
  if s == '!' then return true, nil end
  return true, string.sub(s, 2)
end
