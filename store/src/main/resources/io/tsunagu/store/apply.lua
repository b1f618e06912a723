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
--
-- The cost of a script is mostly its calls into Redis, so the work is done in a fixed number of
-- calls whatever the number of events: one id lookup for all events, one insert per event type, and
-- the aggregate updates of all new events summed here, read with one HMGET and written with one HSET.
local base = KEYS[1]
local keep = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local marker = ARGV[3]
local guarded = tonumber(ARGV[4])
local attrs = tonumber(ARGV[5])
local aggregates = base .. ':g'
local meta = base .. ':m'
local CHUNK = 1000

-- Calls a command with a fixed head and a long list of arguments, in chunks (Lua's unpack is bounded).
local function chunked(head, list, step, collect)
  local out = {}
  for from = 1, #list, CHUNK * step do
    local args = {}
    for k = 1, #head do args[#args + 1] = head[k] end
    for k = from, math.min(#list, from + CHUNK * step - 1) do args[#args + 1] = list[k] end
    local r = redis.call(unpack(args))
    if collect then
      for k = 1, #r do out[#out + 1] = r[k] end
    end
  end
  return out
end

-- Aggregate updates, combined per field before they are written.
local acc = {}
local order = {}
local function update(field, op, value)
  local v = tonumber(value)
  if not v then return end
  local a = acc[field]
  if not a then
    acc[field] = { op, v }
    order[#order + 1] = field
  elseif op == '+' then
    a[2] = a[2] + v
  elseif (op == '<' and v < a[2]) or (op == '>' and v > a[2]) then
    a[2] = v
  end
end

local function number(v)
  if v == math.floor(v) and math.abs(v) < 9007199254740992 then
    return string.format('%d', v)
  end
  return string.format('%.17g', v)
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

-- The events within the horizon, and which of their ids are already stored.
local applied, duplicates, too_old = 0, 0, 0
local candidates = {}
local ids = {}
while i <= #ARGV do
  local ts = tonumber(ARGV[i + 2])
  if ts < horizon then
    too_old = too_old + 1
  else
    candidates[#candidates + 1] = i
    ids[#ids + 1] = ARGV[i]
  end
  i = i + 5
end

local known = {}
if #ids > 0 then
  local scores = chunked({ 'ZMSCORE', base .. ':i' }, ids, 1, true)
  for k = 1, #ids do
    if scores[k] then known[ids[k]] = true end
  end
end

local new_ids = {}
local by_type = {}
local types = {}
for _, at in ipairs(candidates) do
  local id, kind, ts, encoded, updates = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]
  if known[id] then
    duplicates = duplicates + 1
  else
    known[id] = true -- a repeat later in this call is a duplicate too
    applied = applied + 1
    new_ids[#new_ids + 1] = ts
    new_ids[#new_ids + 1] = id
    local list = by_type[kind]
    if not list then
      list = {}
      by_type[kind] = list
      types[#types + 1] = kind
    end
    list[#list + 1] = ts
    list[#list + 1] = encoded
    for field, op, value in string.gmatch(updates, '([^\31\30]*)\31([^\31\30]*)\31([^\31\30]*)\30') do
      update(field, op, value)
    end
  end
end

local trimmed = false
if applied > 0 then
  chunked({ 'ZADD', base .. ':i' }, new_ids, 2, false)
  local new_types = {}
  for _, kind in ipairs(types) do
    local events = base .. ':e:' .. kind
    local list = by_type[kind]
    chunked({ 'ZADD', events }, list, 2, false)
    local count = redis.call('ZCARD', events)
    if count == #list / 2 then
      new_types[#new_types + 1] = kind -- the list did not exist before: a type new to the profile
    end
    if count > keep then
      trimmed = true
      local cut = count - keep
      local newest_dropped = redis.call('ZRANGE', events, cut - 1, cut - 1, 'WITHSCORES')
      redis.call('ZREMRANGEBYRANK', events, 0, cut - 1)
      local from = tonumber(newest_dropped[2]) + 1
      local current = tonumber(redis.call('HGET', meta, 'r:' .. kind))
      if not current or from > current then
        redis.call('HSET', meta, 'r:' .. kind, string.format('%d', from))
      end
    end
  end
  if #new_types > 0 then
    redis.call('SADD', base .. ':t', unpack(new_types))
  end
end

if #order > 0 then
  local current = chunked({ 'HMGET', aggregates }, order, 1, true)
  local writes = {}
  for k, field in ipairs(order) do
    local a = acc[field]
    local old = current[k] and tonumber(current[k])
    local v = a[2]
    if a[1] == '+' then
      v = (old or 0) + v
    elseif old and ((a[1] == '<' and old <= v) or (a[1] == '>' and old >= v)) then
      v = nil -- the stored value stands
    end
    if v then
      writes[#writes + 1] = field
      writes[#writes + 1] = number(v)
    end
  end
  chunked({ 'HSET', aggregates }, writes, 2, false)
end

-- Ids of events beyond the horizon can no longer arrive (they would be too old): forget them. Only
-- a profile that trims keeps more ids than events, so only then can the id set outgrow its lists.
if trimmed then
  redis.call('ZREMRANGEBYSCORE', base .. ':i', '-inf', '(' .. string.format('%d', horizon))
end
return { applied, duplicates, too_old }
