-- Reads a whole profile in one round trip.
-- KEYS[1]  the profile's key base, "<prefix>:{<pid>}"
-- returns  { attributes (field, json)*, meta (field, value)*, aggregates (field, value)*, events (encoded)* }
local base = KEYS[1]
local events = {}
for _, kind in ipairs(redis.call('SMEMBERS', base .. ':t')) do
  for _, e in ipairs(redis.call('ZRANGE', base .. ':e:' .. kind, 0, -1)) do
    events[#events + 1] = e
  end
end
return {
  redis.call('HGETALL', base .. ':a'),
  redis.call('HGETALL', base .. ':m'),
  redis.call('HGETALL', base .. ':g'),
  events
}
