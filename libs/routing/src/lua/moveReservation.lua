--[[
  moveReservation: re-routes a committed order whose site declined it or let it time
  out. In one step it gives back what the order held at the old site (reserved units
  and its place in the load) and reserves at the first candidate, in the order given,
  that has room (load < capacity) and every line available (onHand - reserved >= qty).
  Excluded sites never appear among the candidates; the caller sees to that.

  KEYS[1]            old site: load (string)
  KEYS[2]            old site: reserved (hash: sku -> quantity)
  KEYS[3]            hot-state marker; when absent nothing is done
  KEYS[4 + 3(i-1)]   candidate i: load
  KEYS[5 + 3(i-1)]   candidate i: on-hand
  KEYS[6 + 3(i-1)]   candidate i: reserved

  ARGV[1]            n, the number of lines (0 for a service order)
  ARGV[2 .. 1+2n]    sku, quantity, for each line
  ARGV[2+2n ..]      capacity of each candidate, in rank order

  Returns
    { 1, i }                      moved to candidate i (1-based)
    { 0, reason }                 released, and no candidate could take it:
                                  "no_open_site" (all full) or "out_of_stock"
    { -1, "hot_state_missing" }   nothing done: rebuild, then retry
]]

if redis.call('EXISTS', KEYS[3]) == 0 then
  return { -1, 'hot_state_missing' }
end

local lineCount = tonumber(ARGV[1])
for line = 0, lineCount - 1 do
  local sku = ARGV[2 + 2 * line]
  local left = redis.call('HINCRBY', KEYS[2], sku, -tonumber(ARGV[3 + 2 * line]))
  if left <= 0 then
    redis.call('HDEL', KEYS[2], sku)
  end
end
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end

local firstCapacityArg = 2 + 2 * lineCount
local candidateCount = #ARGV - firstCapacityArg + 1
local roomSomewhere = false

-- As in reserveFirstEligible: on-hand first, line by line, stopping at the first short
-- line; reservations only when every line is on hand.
local skus, quantities = {}, {}
for line = 1, lineCount do
  skus[line] = ARGV[2 * line]
  quantities[line] = tonumber(ARGV[1 + 2 * line])
end

local function hasAllLines(onHandKey, reservedKey)
  local onHand = {}
  for line = 1, lineCount do
    onHand[line] = tonumber(redis.call('HGET', onHandKey, skus[line]) or '0')
    if onHand[line] < quantities[line] then
      return false
    end
  end
  for line = 1, lineCount do
    local reserved = tonumber(redis.call('HGET', reservedKey, skus[line]) or '0')
    if onHand[line] - reserved < quantities[line] then
      return false
    end
  end
  return true
end

for i = 1, candidateCount do
  local loadKey = KEYS[4 + 3 * (i - 1)]
  local onHandKey = KEYS[5 + 3 * (i - 1)]
  local reservedKey = KEYS[6 + 3 * (i - 1)]
  local capacity = tonumber(ARGV[firstCapacityArg + i - 1])
  if tonumber(redis.call('GET', loadKey) or '0') < capacity then
    roomSomewhere = true
    if hasAllLines(onHandKey, reservedKey) then
      for line = 1, lineCount do
        redis.call('HINCRBY', reservedKey, skus[line], quantities[line])
      end
      redis.call('INCR', loadKey)
      return { 1, i }
    end
  end
end

if roomSomewhere then
  return { 0, 'out_of_stock' }
end
return { 0, 'no_open_site' }
