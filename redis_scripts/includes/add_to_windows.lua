-- Include: add_to_windows(windows, cap, exact_from, ids), what `timelines/add_if_exists` does
-- (and `cluster/node_add_if_exists`, its one-call-per-node form on Redis Cluster): add `ids` to
-- every window of `windows` that exists, trimmed to the `cap` newest. A window that trims moves
-- its floor up to its lowest id kept; a floor below `exact_from` ("" when the ids are complete)
-- moves up to it. A window being built (`!?`) keeps its sentinel. Running it again with the same
-- arguments changes nothing more (the fallback of the per-node form relies on it). Returns how
-- many windows took the ids.
local function add_to_windows(windows, cap, exact_from, ids)
  local added = 0
  for _, key in ipairs(windows) do
    if redis.call('EXISTS', key) == 1 then
      for _, id in ipairs(ids) do
        redis.call('ZADD', key, 0, id)
      end
      local size = redis.call('ZCARD', key)
      local floor = nil
      if size > cap + 1 then
        redis.call('ZREMRANGEBYRANK', key, 1, size - cap - 1)
        floor = redis.call('ZRANGE', key, 1, 1)[1]
      end
      local sentinel = redis.call('ZRANGE', key, 0, 0)[1]
      if exact_from ~= '' and (floor == nil or floor < exact_from) then
        floor = exact_from
      end
      if floor ~= nil and sentinel ~= '!?' and sentinel < '!' .. floor then
        redis.call('ZREM', key, sentinel)
        redis.call('ZADD', key, 0, '!' .. floor)
      end
      added = added + 1
    end
  end
  return added
end
