-- Applies events to one profile, atomically. Each event is stored only if its id is new, then its
-- aggregate updates are applied: a retried request or a re-imported row never counts twice.
--
-- KEYS[1]  the profile's key base, "<prefix>:{<pid>}"
-- ARGV[1]  events kept per type (older ones are trimmed; their ids stay known)
-- ARGV[2]  horizon: events before this epoch ms are not stored (counted as too old)
-- ARGV[3]  once-marker: "" for none; else the guarded part below runs only the first time
-- ARGV[4]  number of guarded aggregate updates (field, op, value)
-- ARGV[5]  number of guarded attributes (field, json), set only where not already set
-- then     the guarded updates (field, op, value), the guarded attributes, and events:
--          id, type, ts, encoded, updates
--          where updates is packed into one argument (one argument per update would cost the client
--          far more to encode): field \31 op \31 value, each followed by \30
-- ops: "+" add, "<" keep the minimum, ">" keep the maximum
-- returns  { applied, duplicates, too_old }
local base = KEYS[1]
local keep = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local marker = ARGV[3]
local guarded = tonumber(ARGV[4])
local attrs = tonumber(ARGV[5])
local aggregates = base .. ':g'
local meta = base .. ':m'

local function update(field, op, value)
  if op == '+' then
    -- counts ("n|…") only ever take whole increments: HINCRBY is cheaper than HINCRBYFLOAT
    if string.sub(field, 1, 2) == 'n|' and string.find(value, '^%d+$') then
      redis.call('HINCRBY', aggregates, field, value)
    else
      redis.call('HINCRBYFLOAT', aggregates, field, value)
    end
  else
    local current = redis.call('HGET', aggregates, field)
    local v = tonumber(value)
    if not current or (op == '<' and v < tonumber(current)) or (op == '>' and v > tonumber(current)) then
      redis.call('HSET', aggregates, field, value)
    end
  end
end

local i = 6
if marker ~= '' and redis.call('HSETNX', meta, marker, '1') == 1 then
  for j = 0, guarded - 1 do
    update(ARGV[i + 3 * j], ARGV[i + 3 * j + 1], ARGV[i + 3 * j + 2])
  end
  local a = i + 3 * guarded
  for j = 0, attrs - 1 do
    redis.call('HSETNX', base .. ':a', ARGV[a + 2 * j], ARGV[a + 2 * j + 1])
  end
end
i = i + 3 * guarded + 2 * attrs

local applied, duplicates, too_old = 0, 0, 0
while i <= #ARGV do
  local id, kind, ts, encoded, updates = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  i = i + 5
  if ts < horizon then
    too_old = too_old + 1
  elseif redis.call('ZADD', base .. ':i', 'NX', ts, id) == 0 then
    duplicates = duplicates + 1
  else
    applied = applied + 1
    local events = base .. ':e:' .. kind
    redis.call('ZADD', events, ts, encoded)
    redis.call('SADD', base .. ':t', kind)
    local count = redis.call('ZCARD', events)
    if count > keep then
      local cut = count - keep
      local newest_dropped = redis.call('ZRANGE', events, cut - 1, cut - 1, 'WITHSCORES')
      redis.call('ZREMRANGEBYRANK', events, 0, cut - 1)
      local from = tonumber(newest_dropped[2]) + 1
      local current = tonumber(redis.call('HGET', meta, 'r:' .. kind))
      if not current or from > current then
        redis.call('HSET', meta, 'r:' .. kind, string.format('%d', from))
      end
    end
    for field, op, value in string.gmatch(updates, '([^\31\30]*)\31([^\31\30]*)\31([^\31\30]*)\30') do
      update(field, op, value)
    end
  end
end
-- Ids of events beyond the horizon can no longer arrive (they would be too old): forget them.
redis.call('ZREMRANGEBYSCORE', base .. ':i', '-inf', '(' .. string.format('%d', horizon))
return { applied, duplicates, too_old }
