-- Adds codes to a coupon pool, each at most once ever (a re-imported file adds nothing).
-- KEYS[1] = the pool's base key; ARGV = codes. Returns {added, already known}.
local all = KEYS[1] .. ':all'
local free = KEYS[1] .. ':free'
local added = 0
for i = 1, #ARGV do
  if redis.call('SADD', all, ARGV[i]) == 1 then
    redis.call('RPUSH', free, ARGV[i])
    added = added + 1
  end
end
return {added, #ARGV - added}
