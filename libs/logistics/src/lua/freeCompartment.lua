--[[
  freeCompartment: gives an order's compartment back: on cancel (mode "release", any
  state) or when the hold time of its deposited parcel has passed (mode "expire", only
  once `now` reaches its expiry). The pickup code retires with it. Repeating it changes
  nothing.

  KEYS[1]   the locker's active parcels (hash: order id -> JSON)
  KEYS[2]   the locker's pickup codes (hash: code -> order id)
  KEYS[3]   the locker's free compartments (zset, see reserveCompartment)
  KEYS[4]   the locker of every order holding a compartment (hash: order id -> locker id)

  ARGV[1]   order id
  ARGV[2]   mode: release | expire
  ARGV[3]   now, ms since epoch

  Returns
    { 1, number }        freed compartment `number`
    { 0, "none" }        the order holds no compartment at this locker
    { 2, expiresAt }     expire: not yet, it expires then (ms since epoch)
    { 3, "reserved" }    expire: the parcel was never deposited; nothing changed
]]

local orderId = ARGV[1]
local raw = redis.call('HGET', KEYS[1], orderId)
if not raw then
  return { 0, 'none' }
end
local parcel = cjson.decode(raw)
if ARGV[2] == 'expire' then
  if parcel.state ~= 'occupied' then
    return { 3, parcel.state }
  end
  if tonumber(ARGV[3]) < parcel.expiresAt then
    return { 2, parcel.expiresAt }
  end
end
redis.call('ZADD', KEYS[3], parcel.category * 10000 + parcel.number, parcel.number)
if redis.call('HGET', KEYS[2], parcel.code) == orderId then
  redis.call('HDEL', KEYS[2], parcel.code)
end
redis.call('HDEL', KEYS[1], orderId)
redis.call('HDEL', KEYS[4], orderId)
return { 1, parcel.number }
