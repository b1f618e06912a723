-- Applies events to profiles, each atomically. Each event is stored only if its id is new: a retried
-- request or a re-imported row never counts twice. The daily aggregates hold only the events trimmed
-- off their type's list: a stored event carries its compact updates (member = encoded \30 updates),
-- and they are added to the aggregates when the event is trimmed, so a profile that keeps all its
-- events never touches its aggregates.
--
-- One call can carry several profiles: a script call has a fixed cost (Redis 6.2: a call of 50
-- one-event profiles cost 30 % less CPU per event than 50 calls). Redis runs a call whole, so callers
-- keep calls small. On a Redis Cluster the profiles of one call must share a slot.
--
-- KEYS     the profiles' key bases, "<prefix>:{<pid>}"
-- ARGV[1]  events kept per type (older ones are trimmed; their ids stay known)
-- ARGV[2]  horizon: the ids of trimmed events before this epoch ms are forgotten (the caller sends
--          no event before it: it can no longer arrive)
-- then, per key in order:
--   once-marker: "" for none; else the guarded part below runs only the first time
--   number of guarded aggregate updates (field, op, value)
--   number of guarded attributes (field, json), set only where not already set
--   number of event groups
--   events the caller found too old, and repeated ids it dropped (both counted in the reply)
--   the guarded updates (field, op, value), the guarded attributes, and the groups: the events of one
--   type with distinct ids, as
--          type, n, the n ids, n pairs (ts, id), n pairs (ts, member)
--          where member is the stored event: its encoded text, \30, its updates, which are the event's
--          dimension values and measures (ProfilePolicy.compactUpdates):
--          dim=value pairs joined by \31, then \30, then measure=number pairs joined by \31; the
--          script spells them out as the aggregate fields ProfilePolicy.updatesFor names (see
--          rules' Aggregates for the field names)
-- ops: "+" add, "<" keep the minimum, ">" keep the maximum
-- returns  { applied, duplicates, too_old } per key, one after the other
--
-- The cost of a script is mostly its calls into Redis, so a profile's work is done in a fixed number
-- of calls whatever the number of its events: one id lookup per group, one insert into the ids and one
-- into the type's list, and the aggregate updates of all trimmed events summed here, read with one
-- HMGET and written with one HSET. A group none of whose ids is known — nearly every group of a first
-- import or of new page views — is inserted straight from the arguments, with no Lua work per event.
local keep = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local CHUNK = 1000

-- Calls a command on key with the arguments source[from], … (count times step of them), in chunks
-- (Lua's unpack is bounded). Arguments that fit one chunk are passed straight on: building argument
-- tables costs more than the command.
local function chunked_slice(command, key, source, from, count, step, collect)
  if count == 0 then
    return {}
  end
  local size = CHUNK * step
  local last = from + count * step - 1
  if count * step <= size then
    return redis.call(command, key, unpack(source, from, last))
  end
  local out = {}
  for a = from, last, size do
    local r = redis.call(command, key, unpack(source, a, math.min(last, a + size - 1)))
    if collect then
      for k = 1, #r do out[#out + 1] = r[k] end
    end
  end
  return out
end

-- The same with a whole list, and with a slice of the script's arguments.
local function chunked(command, key, list, step, collect)
  return chunked_slice(command, key, list, 1, #list / step, step, collect)
end

local function chunked_args(command, key, from, count, step, collect)
  return chunked_slice(command, key, ARGV, from, count, step, collect)
end

-- The lowest n members of a sorted set with their scores (member, score, …), read in chunks.
local function chunked_range(key, n)
  local out = {}
  for from = 0, n - 1, CHUNK do
    local r = redis.call('ZRANGE', key, from, math.min(n, from + CHUNK) - 1, 'WITHSCORES')
    for k = 1, #r do out[#out + 1] = r[k] end
  end
  return out
end

-- Aggregate updates of the profile at hand, combined per field before they are written.
local acc, order
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

-- The aggregate updates of one event of type kind at time ts (epoch ms), from its compact form.
local function expand(kind, ts, compact)
  local prefix = string.format('%d', math.floor(ts / 86400000)) .. '|' .. kind
  update('n|' .. prefix, '+', 1)
  update('first|' .. kind, '<', ts)
  update('last|' .. kind, '>', ts)
  local sep = string.find(compact, '\30', 1, true) or (#compact + 1)
  local dims = {}
  for pair in string.gmatch(string.sub(compact, 1, sep - 1), '[^\31]+') do
    dims[#dims + 1] = pair
    update('n|' .. prefix .. '|' .. pair, '+', 1)
  end
  for pair in string.gmatch(string.sub(compact, sep + 1), '[^\31]+') do
    local eq = string.find(pair, '=', 1, true)
    local x = eq and tonumber(string.sub(pair, eq + 1))
    if x then
      local head = prefix .. '#' .. string.sub(pair, 1, eq - 1)
      update('s|' .. head, '+', x)
      update('lo|' .. head, '<', x)
      update('hi|' .. head, '>', x)
      for _, d in ipairs(dims) do
        update('s|' .. head .. '|' .. d, '+', x)
      end
    end
  end
end

local function number(v)
  if v == math.floor(v) and math.abs(v) < 9007199254740992 then
    return string.format('%d', v)
  end
  return string.format('%.17g', v)
end

-- Applies the events of one profile, whose arguments start at ARGV[i]. Returns the events applied,
-- the duplicates and where the next profile's arguments start.
local function apply(base, marker, guarded, attrs, groups, i)
  local aggregates = base .. ':g'
  local meta = base .. ':m'
  local ids = base .. ':i'
  acc = {}
  order = {}
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

  local applied, duplicates = 0, 0
  local trimmed = false
  local new_types = {}
  for _ = 1, groups do
    local kind, n = ARGV[i], tonumber(ARGV[i + 1])
    local id_at, pair_at, member_at = i + 2, i + 2 + n, i + 2 + 3 * n
    i = i + 2 + 5 * n
    local events = base .. ':e:' .. kind
    local scores = chunked_args('ZMSCORE', ids, id_at, n, 1, true)
    local known = 0
    for k = 1, n do
      if scores[k] then known = known + 1 end
    end
    local added = n - known
    if known == 0 then
      chunked_args('ZADD', ids, pair_at, n, 2, false)
      chunked_args('ZADD', events, member_at, n, 2, false)
    elseif added > 0 then
      local new_ids, list, c = {}, {}, 0
      for k = 0, n - 1 do
        if not scores[k + 1] then
          new_ids[c + 1] = ARGV[pair_at + 2 * k]
          new_ids[c + 2] = ARGV[pair_at + 2 * k + 1]
          list[c + 1] = ARGV[member_at + 2 * k]
          list[c + 2] = ARGV[member_at + 2 * k + 1]
          c = c + 2
        end
      end
      chunked('ZADD', ids, new_ids, 2, false)
      chunked('ZADD', events, list, 2, false)
    end
    applied = applied + added
    duplicates = duplicates + known
    if added > 0 then
      local count = redis.call('ZCARD', events)
      if count == added then
        new_types[#new_types + 1] = kind -- the list did not exist before: a type new to the profile
      end
      if count > keep then
        trimmed = true
        local cut = count - keep
        -- The trimmed events' updates go into the aggregates now: they hold exactly the trimmed events.
        local dropped = chunked_range(events, cut)
        for k = 1, #dropped, 2 do
          local member = dropped[k]
          local sep = string.find(member, '\30', 1, true)
          if sep then
            expand(kind, tonumber(dropped[k + 1]), string.sub(member, sep + 1))
          end
        end
        redis.call('ZREMRANGEBYRANK', events, 0, cut - 1)
        local from = tonumber(dropped[#dropped]) + 1
        local current = tonumber(redis.call('HGET', meta, 'r:' .. kind))
        if not current or from > current then
          redis.call('HSET', meta, 'r:' .. kind, string.format('%d', from))
        end
      end
    end
  end
  if #new_types > 0 then
    redis.call('SADD', base .. ':t', unpack(new_types))
  end

  if #order > 0 then
    local current = chunked('HMGET', aggregates, order, 1, true)
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
    chunked('HSET', aggregates, writes, 2, false)
  end

  -- Ids of events beyond the horizon can no longer arrive (they would be too old): forget them. Only
  -- a profile that trims keeps more ids than events, so only then can the id set outgrow its lists.
  if trimmed then
    redis.call('ZREMRANGEBYSCORE', ids, '-inf', '(' .. string.format('%d', horizon))
  end
  return applied, duplicates, i
end

local out = {}
local at = 3
for k = 1, #KEYS do
  local guarded, attrs, groups = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local too_old, repeated = tonumber(ARGV[at + 4]), tonumber(ARGV[at + 5])
  local applied, duplicates, next_at = apply(KEYS[k], ARGV[at], guarded, attrs, groups, at + 6)
  out[#out + 1] = applied
  out[#out + 1] = duplicates + repeated
  out[#out + 1] = too_old
  at = next_at
end
return out
