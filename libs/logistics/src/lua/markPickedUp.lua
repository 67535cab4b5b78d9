--[[
  markPickedUp: records that the courier holding an order has picked it up, which ends
  its pickup deadline. Atomic with the timeout release: whichever runs first wins, so a
  courier released for lateness cannot then pick the order up.

  KEYS[1]   the order's courier (hash: courier, pickedUpAt, ...)

  ARGV[1]   the courier picking up
  ARGV[2]   now, ms since epoch

  Returns 1 when recorded (or already recorded), 0 when that courier does not hold the order.
]]

if redis.call('HGET', KEYS[1], 'courier') ~= ARGV[1] then
  return 0
end
redis.call('HSETNX', KEYS[1], 'pickedUpAt', ARGV[2])
return 1
