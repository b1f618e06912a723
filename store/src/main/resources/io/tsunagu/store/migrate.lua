-- Brings one profile stored by format 1 (aggregates counted every stored event; events stored without
-- their compact updates) to format 2 (aggregates hold only trimmed events; each stored event carries its
-- compact updates after \30), one event at a time and exactly once: an event is converted only if its
-- old member is still there, and only then are its counts and sums taken out of the aggregates.
-- The first and last times of a type become those of its trimmed events (none if nothing was
-- trimmed; the last one is just before the type's retained-from time). Daily minima and maxima are
-- left: counting kept events there too changes no reading.
--
-- KEYS[1]  the profile's key base, "<prefix>:{<pid>}"
-- ARGV     groups of five: type, score, old member, new member, the event's additive updates
--          (field \31 value, each followed by \30)
-- returns  how many events were converted
local base = KEYS[1]
local aggregates = base .. ':g'
local acc = {}
local order = {}
local converted = 0
for i = 1, #ARGV, 5 do
  local events = base .. ':e:' .. ARGV[i]
  if redis.call('ZREM', events, ARGV[i + 2]) == 1 then
    redis.call('ZADD', events, ARGV[i + 1], ARGV[i + 3])
    converted = converted + 1
    for field, value in string.gmatch(ARGV[i + 4], '([^\31\30]*)\31([^\31\30]*)\30') do
      if not acc[field] then
        acc[field] = 0
        order[#order + 1] = field
      end
      acc[field] = acc[field] + tonumber(value)
    end
  end
end
local meta = base .. ':m'
local seen = {}
for i = 1, #ARGV, 5 do
  local kind = ARGV[i]
  if not seen[kind] then
    seen[kind] = true
    local from = tonumber(redis.call('HGET', meta, 'r:' .. kind))
    if from then
      redis.call('HSET', aggregates, 'last|' .. kind, string.format('%d', from - 1))
    else
      redis.call('HDEL', aggregates, 'first|' .. kind, 'last|' .. kind)
    end
  end
end
for _, field in ipairs(order) do
  local left = tonumber(redis.call('HINCRBYFLOAT', aggregates, field, string.format('%.17g', -acc[field])))
  if math.abs(left) < 1e-9 then
    redis.call('HDEL', aggregates, field)
  end
end
return converted
