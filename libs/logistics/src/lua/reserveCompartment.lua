--[[
  reserveCompartment: reserves, for an order, a free compartment that fits its parcel at
  the first locker, in the order given, that has one, and gives it a pickup code that no
  other active parcel of that locker has. At a locker the smallest fitting size goes
  first, then the lowest compartment number. One script decides and takes, so two orders
  never get the same compartment.

  Idempotent per order: an order that holds a compartment gets it back unchanged.

  A free compartment is a member of its locker's free zset (member: its number) with score
  category * 10000 + number, where category = 3 * size rank (S 0, M 1, L 2) + temperature
  rank (ambient 0, chilled 1, frozen 2): one range per category.

  KEYS[1]            hot-state marker; when absent Redis lost its copy: nothing is done
  KEYS[2]            the locker of every order holding a compartment (hash: order id -> locker id)
  KEYS[3 + 3(i-1)]   locker i: free compartments (zset, as above)
  KEYS[4 + 3(i-1)]   locker i: pickup codes of its active parcels (hash: code -> order id)
  KEYS[5 + 3(i-1)]   locker i: its active parcels (hash: order id -> JSON)

  ARGV[1]                 order id
  ARGV[2]                 now, ms since epoch
  ARGV[3]                 n, how many categories fit the parcel (1 to 3)
  ARGV[4 .. 3+n]          those categories, smallest size first
  ARGV[4+n]               c, how many candidate codes follow
  ARGV[5+n .. 4+n+c]      candidate pickup codes, in order of preference
  ARGV[5+n+c + 2(i-1)]    locker i: its id
  ARGV[6+n+c + 2(i-1)]    locker i: its hold time, hours

  Returns
    { 1, i, number, code }     reserved compartment `number` at locker i (1-based)
    { 2, locker id }           the order already holds a compartment there; nothing changed
    { 0, "none" }              no locker given has a free compartment that fits
    { 0, "no_code" }           one has, but every candidate code is taken there: retry
                               with other codes
    { -1, "hot_state_missing" }  rebuild the hot state from PostgreSQL, then retry
]]

if redis.call('EXISTS', KEYS[1]) == 0 then
  return { -1, 'hot_state_missing' }
end
local orderId = ARGV[1]
local holder = redis.call('HGET', KEYS[2], orderId)
if holder then
  return { 2, holder }
end

local SIZES = { 'S', 'M', 'L' }
local TEMPERATURES = { 'ambient', 'chilled', 'frozen' }
local n = tonumber(ARGV[3])
local c = tonumber(ARGV[4 + n])
local firstLocker = 5 + n + c
local codeBlocked = false

for i = 1, (#ARGV - firstLocker + 1) / 2 do
  local free = KEYS[3 + 3 * (i - 1)]
  local codes = KEYS[4 + 3 * (i - 1)]
  local parcels = KEYS[5 + 3 * (i - 1)]
  for s = 1, n do
    local category = tonumber(ARGV[3 + s])
    local found = redis.call('ZRANGEBYSCORE', free, category * 10000, category * 10000 + 9999, 'LIMIT', 0, 1)
    if #found > 0 then
      local code = nil
      for k = 1, c do
        if redis.call('HEXISTS', codes, ARGV[4 + n + k]) == 0 then
          code = ARGV[4 + n + k]
          break
        end
      end
      if not code then
        codeBlocked = true
        break
      end
      local number = found[1]
      redis.call('ZREM', free, number)
      redis.call('HSET', codes, code, orderId)
      redis.call('HSET', parcels, orderId, cjson.encode({
        number = tonumber(number),
        category = category,
        size = SIZES[math.floor(category / 3) + 1],
        temperature = TEMPERATURES[category % 3 + 1],
        code = code,
        state = 'reserved',
        reservedAt = tonumber(ARGV[2]),
        holdHours = tonumber(ARGV[firstLocker + 2 * (i - 1) + 1]),
      }))
      redis.call('HSET', KEYS[2], orderId, ARGV[firstLocker + 2 * (i - 1)])
      return { 1, i, tonumber(number), code }
    end
  end
end
if codeBlocked then
  return { 0, 'no_code' }
end
return { 0, 'none' }
