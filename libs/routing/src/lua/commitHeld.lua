--[[
  commitHeld: hands an order's goods over (courier pickup, locker deposit, collection
  at the store): on-hand and reserved both fall by each line, and the order leaves the
  site's load when asked. Never takes a counter below zero.

  KEYS[1]   the site's load (string: active orders)
  KEYS[2]   the site's reserved (hash: sku -> quantity)
  KEYS[3]   the site's on-hand (hash: sku -> quantity)

  ARGV[1]          1 to release the order's place in the load, 0 to keep it
  ARGV[2 ..]       sku, quantity, for each line handed over

  Returns 1.
]]

for i = 2, #ARGV, 2 do
  local quantity = tonumber(ARGV[i + 1])
  local left = redis.call('HINCRBY', KEYS[2], ARGV[i], -quantity)
  if left <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
  local onHand = redis.call('HINCRBY', KEYS[3], ARGV[i], -quantity)
  if onHand < 0 then
    redis.call('HSET', KEYS[3], ARGV[i], 0)
  end
end
if ARGV[1] == '1' and tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
return 1
