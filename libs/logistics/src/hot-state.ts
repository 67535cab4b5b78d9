import type { Sql } from '@quarterhour/db';
import type { Redis } from 'ioredis';
import { category, freeScore, type Size, type Temperature } from './compartments.ts';
import type { LogisticsKeys } from './keys.ts';
import type { HotParcel } from './lockers/parcel.ts';
import { indexCell } from './nearby.ts';

const LOCK_TTL_MS = 120_000;

export interface LogisticsRebuild {
  rebuilt: boolean;
  couriers: number;
  lockers: number;
}

/**
 * Rebuilds the courier and locker hot state from PostgreSQL when Redis lost it (flushed or
 * restarted; the marker key is gone). One process rebuilds under a lock; the others wait
 * for the marker. Rows are read FOR SHARE, so a registry write either lands before the
 * read (and is read) or waits and writes Redis after the rebuild, as routing's rebuild does.
 */
export async function ensureLogisticsHotState(
  sql: Sql,
  redis: Redis,
  keys: LogisticsKeys,
  options: { waitMs?: number } = {},
): Promise<LogisticsRebuild> {
  if (await redis.exists(keys.hotReady)) return { rebuilt: false, couriers: 0, lockers: 0 };
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const locked = await redis.set(keys.hotRebuildLock, token, 'PX', LOCK_TTL_MS, 'NX');
  if (!locked) {
    const deadline = Date.now() + (options.waitMs ?? LOCK_TTL_MS);
    while (Date.now() < deadline) {
      if (await redis.exists(keys.hotReady)) return { rebuilt: false, couriers: 0, lockers: 0 };
      if (!(await redis.exists(keys.hotRebuildLock)))
        return ensureLogisticsHotState(sql, redis, keys, options);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('timed out waiting for another process to rebuild the logistics hot state');
  }
  try {
    return { rebuilt: true, ...(await rebuildAll(sql, redis, keys)) };
  } finally {
    if ((await redis.get(keys.hotRebuildLock)) === token) await redis.del(keys.hotRebuildLock);
  }
}

interface CourierRow {
  id: string;
  vehicle: string;
  capacity: number;
  status: string;
  lat: number | null;
  lng: number | null;
}

interface CompartmentRow {
  locker_id: string;
  number: number;
  size: Size;
  temperature: Temperature;
  state: 'free' | 'reserved' | 'occupied';
  order_id: string | null;
  pickup_code: string | null;
  reserved_at: Date | null;
  deposited_at: Date | null;
  expires_at: Date | null;
  hold_hours: number;
}

async function rebuildAll(sql: Sql, redis: Redis, keys: LogisticsKeys) {
  // Index sets and per-order entries are keyed by cell and order, not by a listable id.
  for (const pattern of [keys.courierCellPattern, keys.lockerCellPattern, keys.courierOrderPattern]) {
    await deleteMatching(redis, pattern);
  }
  return sql.begin(async (tx) => {
    const couriers = await tx<CourierRow[]>`
      select id, vehicle, capacity, status, lat, lng from couriers order by id for share`;
    const active = await tx<
      {
        order_id: string;
        courier_id: string;
        distance_meters: number;
        assigned_at: Date;
        picked_up_at: Date | null;
      }[]
    >`select order_id, courier_id, distance_meters, assigned_at, picked_up_at
      from courier_assignments where ended_at is null`;
    // Exclusions matter while an order may still look for a courier: until one delivers it.
    const excluded = await tx<{ order_id: string; courier_id: string }[]>`
      select a.order_id, a.courier_id from courier_assignments a
      where a.end_reason = 'pickup_timeout' and not exists (
        select 1 from courier_assignments r where r.order_id = a.order_id and r.end_reason = 'released')`;
    const lockers = await tx<{ id: string; lat: number; lng: number; hold_hours: number }[]>`
      select id, lat, lng, hold_hours from lockers order by id for share`;
    const compartments = await tx<CompartmentRow[]>`
      select c.*, l.hold_hours from locker_compartments c join lockers l on l.id = c.locker_id
      order by c.locker_id, c.number for share of c`;

    const held = new Map<string, number>();
    for (const row of active) held.set(row.courier_id, (held.get(row.courier_id) ?? 0) + 1);
    const pipeline = redis.multi();
    for (const courier of couriers) {
      const located = courier.lat !== null && courier.lng !== null;
      const cell = located ? indexCell({ lat: courier.lat!, lng: courier.lng! }) : '';
      pipeline.del(keys.courier(courier.id));
      pipeline.hset(keys.courier(courier.id), {
        vehicle: courier.vehicle,
        capacity: courier.capacity,
        status: courier.status,
        lat: located ? courier.lat! : '',
        lng: located ? courier.lng! : '',
        cell,
        held: held.get(courier.id) ?? 0,
      });
      if (courier.status === 'available' && cell) pipeline.sadd(keys.courierCell(cell), courier.id);
    }
    for (const row of active) {
      pipeline.hset(keys.courierOrder(row.order_id), {
        courier: row.courier_id,
        distance: row.distance_meters,
        assignedAt: row.assigned_at.getTime(),
        ...(row.picked_up_at ? { pickedUpAt: row.picked_up_at.getTime() } : {}),
      });
    }
    for (const row of excluded) pipeline.sadd(keys.courierExcluded(row.order_id), row.courier_id);

    pipeline.del(keys.lockerOrders);
    for (const locker of lockers) {
      pipeline.del(
        keys.locker(locker.id),
        keys.lockerFree(locker.id),
        keys.lockerCodes(locker.id),
        keys.lockerParcels(locker.id),
      );
      pipeline.hset(keys.locker(locker.id), {
        lat: locker.lat,
        lng: locker.lng,
        holdHours: locker.hold_hours,
      });
      pipeline.sadd(keys.lockerCell(indexCell(locker)), locker.id);
    }
    for (const row of compartments) writeCompartment(pipeline, keys, row);
    await pipeline.exec();
    await redis.set(keys.hotReady, new Date().toISOString());
    return { couriers: couriers.length, lockers: lockers.length };
  });
}

function writeCompartment(pipeline: ReturnType<Redis['multi']>, keys: LogisticsKeys, row: CompartmentRow) {
  if (row.state === 'free' || !row.order_id || !row.pickup_code) {
    pipeline.zadd(keys.lockerFree(row.locker_id), freeScore(row, row.number), String(row.number));
    return;
  }
  const parcel: HotParcel = {
    number: row.number,
    category: category(row),
    size: row.size,
    temperature: row.temperature,
    code: row.pickup_code,
    state: row.state,
    reservedAt: row.reserved_at?.getTime() ?? 0,
    holdHours: row.hold_hours,
    ...(row.deposited_at ? { depositedAt: row.deposited_at.getTime() } : {}),
    ...(row.expires_at ? { expiresAt: row.expires_at.getTime() } : {}),
  };
  pipeline.hset(keys.lockerParcels(row.locker_id), row.order_id, JSON.stringify(parcel));
  pipeline.hset(keys.lockerCodes(row.locker_id), row.pickup_code, row.order_id);
  pipeline.hset(keys.lockerOrders, row.order_id, row.locker_id);
}

async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== '0');
}
