--[[
  releaseHeld: gives back what a committed order holds at its site: its reserved units
  (cancel, decline, timeout, expiry) and, when it leaves the active states, its place in
  the site's capacity. Never takes a counter below zero.

  KEYS[1]   the site's load (string: active orders)
  KEYS[2]   the site's reserved (hash: sku -> quantity)

  ARGV[1]          1 to release the order's place in the load, 0 to keep it
  ARGV[2 ..]       sku, quantity, for each line to release

  Returns 1.
]]

for i = 2, #ARGV, 2 do
  local left = redis.call('HINCRBY', KEYS[2], ARGV[i], -tonumber(ARGV[i + 1]))
  if left <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
if ARGV[1] == '1' and tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
return 1
