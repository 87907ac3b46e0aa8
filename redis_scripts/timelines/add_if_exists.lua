-- Title: Add post ids to every window that exists, trimmed to the cap newest
-- KEYS[1..]: the windows (home timelines, author lists, liked windows)
-- ARGV[1]: cap: the most ids a window keeps
-- ARGV[2]: the lowest id the members are exact from ("" when they are complete)
-- ARGV[3..]: the ids to add
-- Returns: how many windows took them
--
-- A window that trims moves its floor up to its lowest id kept; a floor below ARGV[2] moves up
-- to ARGV[2]. A window being built (`!?`) keeps its sentinel.
--!include add_to_windows
local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
return add_to_windows(KEYS, tonumber(ARGV[1]), ARGV[2], ids)
