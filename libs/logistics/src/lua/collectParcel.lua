--[[
  collectParcel: a code typed at a locker. The right code of a deposited parcel frees its
  compartment and retires the code. A wrong code is remembered; the `maxWrong`-th wrong
  code within `windowMs` locks the locker's collect for `lockMs`, during which every code,
  right or wrong, is refused unread. Times come from the caller's clock, never Redis's.

  KEYS[1]   the locker's pickup codes (hash: code -> order id)
  KEYS[2]   the locker's active parcels (hash: order id -> JSON)
  KEYS[3]   the locker's free compartments (zset, see reserveCompartment)
  KEYS[4]   the locker's recent wrong codes (zset: token -> ms since epoch)
  KEYS[5]   the locker's lockout (string: until, ms since epoch)
  KEYS[6]   the locker of every order holding a compartment (hash: order id -> locker id)

  ARGV[1]   the code typed
  ARGV[2]   now, ms since epoch
  ARGV[3]   windowMs
  ARGV[4]   maxWrong
  ARGV[5]   lockMs
  ARGV[6]   a token unique to this attempt (member of KEYS[4])

  Returns
    { 1, order id }      collected: the compartment is free
    { 2, order id }      the code is that of a parcel not deposited yet; nothing changed
    { 0, triesLeft }     wrong code; this many more lock the locker
    { -2, untilMs }      locked (by this wrong code or before) until then
]]

local now = tonumber(ARGV[2])
local lockedUntil = tonumber(redis.call('GET', KEYS[5]) or '0')
if lockedUntil > now then
  return { -2, lockedUntil }
end

local orderId = redis.call('HGET', KEYS[1], ARGV[1])
if orderId then
  local parcel = cjson.decode(redis.call('HGET', KEYS[2], orderId))
  if parcel.state ~= 'occupied' then
    return { 2, orderId }
  end
  redis.call('ZADD', KEYS[3], parcel.category * 10000 + parcel.number, parcel.number)
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], orderId)
  redis.call('HDEL', KEYS[6], orderId)
  return { 1, orderId }
end

local windowMs = tonumber(ARGV[3])
local maxWrong = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - windowMs)
redis.call('ZADD', KEYS[4], now, ARGV[6])
-- Redis's own expiry only collects garbage; the window is judged by the scores above.
redis.call('PEXPIRE', KEYS[4], 2 * windowMs)
local wrong = redis.call('ZCARD', KEYS[4])
if wrong >= maxWrong then
  local lockMs = tonumber(ARGV[5])
  redis.call('SET', KEYS[5], now + lockMs, 'PX', 2 * lockMs)
  redis.call('DEL', KEYS[4])
  return { -2, now + lockMs }
end
return { 0, maxWrong - wrong }
