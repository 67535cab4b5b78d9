--[[
  releasePending: undoes a reservation whose order was never committed (the commit
  failed, or the process died before it). Does nothing when the entry is no longer
  pending, so it cannot race a commit that confirmed the order meanwhile.

  KEYS[1]   pending reservations (zset: order id -> expiry)
  KEYS[2]   pending reservation details (hash: order id -> site id)
  KEYS[3]   the site's load (string)
  KEYS[4]   the site's reserved (hash: sku -> quantity)
  KEYS[5]   the order's idempotency claim (deleted when it still names this order)

  ARGV[1]          order id
  ARGV[2 ..]       sku, quantity, for each line

  Returns 1 when released, 0 when the order was not pending.
]]

local orderId = ARGV[1]
if not redis.call('ZSCORE', KEYS[1], orderId) then
  return 0
end
for i = 2, #ARGV, 2 do
  local left = redis.call('HINCRBY', KEYS[4], ARGV[i], -tonumber(ARGV[i + 1]))
  if left <= 0 then
    redis.call('HDEL', KEYS[4], ARGV[i])
  end
end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then
  redis.call('DECR', KEYS[3])
end
redis.call('ZREM', KEYS[1], orderId)
redis.call('HDEL', KEYS[2], orderId)
if redis.call('GET', KEYS[5]) == orderId then
  redis.call('DEL', KEYS[5])
end
return 1
