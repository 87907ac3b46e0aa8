-- luacheck's settings for the Redis scripts (redis_scripts/, docs/redis-scripts.md), which
-- `make lint` checks as Redis runs them: includes expanded, one script at a time.
-- Redis runs Lua 5.1 with these globals, read-only; nothing else is there.
std = "lua51"
read_globals = { "redis", "KEYS", "ARGV", "cjson", "cmsgpack", "bit", "struct" }
max_line_length = 100
