--[[
  assignCourier: gives a delivery order the first courier, in the order given, that is
  available, holds fewer orders than its capacity and has not timed out on this order
  before; raises that courier's held count and records order -> courier. One script
  decides and counts, so a courier never holds more than its capacity.

  Idempotent per order: an order that has a courier gets that courier back, and nothing
  changes. An order released for good (delivered, cancelled) gets no courier again.
  While none can take it, the time of the first fruitless search is kept so the wait can
  be measured when one is found.

  KEYS[1]       hot-state marker; when absent Redis lost its copy: nothing is done
  KEYS[2]       the order's courier (hash: courier, distance, assignedAt, pickedUpAt,
                searchSince, closed)
  KEYS[3]       couriers excluded from this order (set of courier ids)
  KEYS[3 + i]   candidate i: the courier (hash: status, capacity, held, ...)

  ARGV[1]           now, ms since epoch
  ARGV[2 + 2(i-1)]  candidate i: courier id
  ARGV[3 + 2(i-1)]  candidate i: distance to the site, metres

  Returns
    { 1, i, waitedMs }                     assigned candidate i (1-based); waited since the
                                           first fruitless search (0 if none)
    { 2, courier id, distance, assignedAt }  the order already has this courier
    { 0, waitedMs }                        no candidate can take it now
    { -1, "hot_state_missing" }            rebuild the hot state from PostgreSQL, then retry
    { -2, "closed" }                       the order was released for good
]]

if redis.call('EXISTS', KEYS[1]) == 0 then
  return { -1, 'hot_state_missing' }
end
local order = KEYS[2]
if redis.call('HGET', order, 'closed') then
  return { -2, 'closed' }
end
local current = redis.call('HGET', order, 'courier')
if current then
  local held = redis.call('HMGET', order, 'distance', 'assignedAt')
  return { 2, current, held[1] or '0', held[2] or '0' }
end

local now = tonumber(ARGV[1])
local since = tonumber(redis.call('HGET', order, 'searchSince') or ARGV[1])
for i = 1, (#ARGV - 1) / 2 do
  local courierId = ARGV[2 + 2 * (i - 1)]
  local courier = KEYS[3 + i]
  if redis.call('SISMEMBER', KEYS[3], courierId) == 0 then
    local fields = redis.call('HMGET', courier, 'status', 'capacity', 'held')
    local held = tonumber(fields[3] or '0')
    if fields[1] == 'available' and held < tonumber(fields[2] or '0') then
      redis.call('HSET', courier, 'held', held + 1)
      redis.call('HSET', order, 'courier', courierId, 'distance', ARGV[3 + 2 * (i - 1)],
        'assignedAt', ARGV[1])
      redis.call('HDEL', order, 'searchSince', 'pickedUpAt')
      return { 1, i, now - since }
    end
  end
end
redis.call('HSETNX', order, 'searchSince', ARGV[1])
return { 0, now - since }
