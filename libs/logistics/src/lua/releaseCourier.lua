--[[
  releaseCourier: ends an order's assignment: the courier holds one order fewer. With
  mode "final" (delivered, cancelled) the order is closed, so a search still running for
  it assigns nothing afterwards; with mode "timeout" (not picked up in time) the courier
  is excluded from this order for good and a new search may follow.

  The timeout mode is conditional: it releases only while that courier holds the order,
  has not picked it up, and the pickup deadline has passed. Repeating a release changes
  nothing: the held count falls once per assignment.

  KEYS[1]   the order's courier (hash: courier, distance, assignedAt, pickedUpAt, ...)
  KEYS[2]   couriers excluded from this order (set)
  KEYS[3]   the courier named in ARGV[1] (hash); any key when ARGV[1] is ''

  ARGV[1]   the courier the caller read from KEYS[1] ('' for none)
  ARGV[2]   mode: final | timeout
  ARGV[3]   now, ms since epoch
  ARGV[4]   final: how long the closed order is remembered, ms
            timeout: the pickup timeout, ms

  Returns
    { 1, excluded }       released (excluded: how many couriers this order has excluded)
    { 0, courier id }     KEYS[1] names another courier ('' for none) than ARGV[1]: read
                          again (final), or nothing to do (timeout)
    { 2, dueAt }          timeout: not due yet, the deadline in ms since epoch
    { 3, pickedUpAt }     timeout: the courier has picked the order up
    { 4, excluded }       timeout: this courier already timed out on this order
]]

local order = KEYS[1]
local expected = ARGV[1]
local mode = ARGV[2]
local now = tonumber(ARGV[3])
local current = redis.call('HGET', order, 'courier') or ''

if mode == 'timeout' and current ~= expected and redis.call('SISMEMBER', KEYS[2], expected) == 1 then
  return { 4, redis.call('SCARD', KEYS[2]) }
end
if current ~= expected then
  return { 0, current }
end

if mode == 'timeout' then
  local pickedUpAt = redis.call('HGET', order, 'pickedUpAt')
  if pickedUpAt then
    return { 3, pickedUpAt }
  end
  local dueAt = tonumber(redis.call('HGET', order, 'assignedAt') or '0') + tonumber(ARGV[4])
  if now < dueAt then
    return { 2, dueAt }
  end
end

if current ~= '' then
  local held = tonumber(redis.call('HGET', KEYS[3], 'held') or '0')
  if held > 0 then
    redis.call('HSET', KEYS[3], 'held', held - 1)
  end
  redis.call('HDEL', order, 'courier', 'distance', 'assignedAt', 'pickedUpAt')
end
if mode == 'timeout' then
  redis.call('SADD', KEYS[2], current)
else
  redis.call('HSET', order, 'closed', ARGV[3])
  redis.call('HDEL', order, 'searchSince')
  redis.call('PEXPIRE', order, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return { 1, redis.call('SCARD', KEYS[2]) }
