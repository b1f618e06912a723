-- Deletes every key of one profile (after its events were merged into a member's profile).
-- KEYS[1]  the profile's key base, "<prefix>:{<pid>}"
-- returns  the number of keys deleted
local base = KEYS[1]
local keys = { base .. ':a', base .. ':m', base .. ':g', base .. ':i', base .. ':t' }
for _, kind in ipairs(redis.call('SMEMBERS', base .. ':t')) do
  keys[#keys + 1] = base .. ':e:' .. kind
end
return redis.call('DEL', unpack(keys))
