--[[
  putCourier: writes a courier's durable fields to the hot state and keeps the cell index
  in step: a courier is in the set of its position's cell exactly while it is available
  and has a position. Its held count is never touched here (assign and release own it).
  Called while the caller holds the courier's PostgreSQL row lock, so writes of one
  courier arrive in commit order.

  KEYS[1]   the courier (hash)
  KEYS[2]   the cell set the caller read the courier to be in (any key when in none)
  KEYS[3]   the cell set of its new position (any key when it has none)

  ARGV[1]   courier id
  ARGV[2]   the cell the caller read from the hash ('' for none): guards KEYS[2]
  ARGV[3]   vehicle
  ARGV[4]   capacity
  ARGV[5]   status: available | offline
  ARGV[6]   lat ('' when unknown)
  ARGV[7]   lng ('' when unknown)
  ARGV[8]   cell of the position ('' when unknown)

  Returns
    { 1 }            written
    { 0, cell }      the courier is in another cell than ARGV[2] says: read again, retry
]]

local current = redis.call('HGET', KEYS[1], 'cell') or ''
if current ~= ARGV[2] then
  return { 0, current }
end
if current ~= '' then
  redis.call('SREM', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1],
  'vehicle', ARGV[3], 'capacity', ARGV[4], 'status', ARGV[5],
  'lat', ARGV[6], 'lng', ARGV[7], 'cell', ARGV[8])
redis.call('HSETNX', KEYS[1], 'held', 0)
if ARGV[5] == 'available' and ARGV[8] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[1])
end
return { 1 }
