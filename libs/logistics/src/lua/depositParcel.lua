--[[
  depositParcel: the parcel of a reserved compartment is in it: the compartment is
  occupied and the hold time starts now. Repeating it changes nothing.

  KEYS[1]   the locker's active parcels (hash: order id -> JSON)

  ARGV[1]   order id
  ARGV[2]   now, ms since epoch

  Returns
    { 1, expiresAt }   deposited; the parcel expires at this time (ms since epoch)
    { 2, expiresAt }   it was deposited before
    { 0, "none" }      the order holds no compartment at this locker
]]

local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return { 0, 'none' }
end
local parcel = cjson.decode(raw)
if parcel.state == 'occupied' then
  return { 2, parcel.expiresAt }
end
local now = tonumber(ARGV[2])
parcel.state = 'occupied'
parcel.depositedAt = now
parcel.expiresAt = now + parcel.holdHours * 3600000
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(parcel))
return { 1, parcel.expiresAt }
