-- Title: A window's ids in a range, with what its sentinel says, read together
-- KEYS[1]: the window (an author's list of recent posts)
-- ARGV[1]: the upper bound (ZREVRANGEBYLEX syntax: "+" or "(<id>")
-- ARGV[2]: the lower bound ("(!~" for every id, or "[<id>")
-- ARGV[3]: the most ids to return
-- Returns: {0} when the window is missing or being built, else {1, floor or "", ids...} newest
--   first
--
-- The fast page reads each followed celebrity's list with this, in one pipeline (each list in
-- its author's slot): coverage and range in one step, so a trim between them cannot mislead.
--!include coverage
local ok, floor = coverage(KEYS[1])
if not ok then return {0} end
local out = {1, floor or ''}
local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do out[#out + 1] = id end
return out
