-- The code a member gets from a coupon pool: the one they got before, else the next free one.
-- KEYS[1] = the pool's base key; ARGV[1] = member id.
-- Returns the code, or false when the pool has none left for a member who has none.
local given = KEYS[1] .. ':given'
local code = redis.call('HGET', given, ARGV[1])
if code then
  return code
end
code = redis.call('LPOP', KEYS[1] .. ':free')
if not code then
  return false
end
redis.call('HSET', given, ARGV[1], code)
return code
