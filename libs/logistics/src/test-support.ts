import type { Sql } from '@quarterhour/db';
import type { Point } from '@quarterhour/geo';
import { EARTH_RADIUS_M } from '@quarterhour/geo';
import type { Redis } from 'ioredis';
import { CourierRegistry } from './couriers/registry.ts';
import type { Vehicle } from './couriers/schemas.ts';
import type { LogisticsKeys } from './keys.ts';
import { LockerRegistry } from './lockers/registry.ts';
import type { NewLocker } from './lockers/schemas.ts';

/** People's Square, Shanghai: the test city's centre. */
export const CENTRE: Point = { lat: 31.2304, lng: 121.4737 };

/** The point `north` and `east` metres from `from` (small distances, flat-earth enough). */
export function offset(from: Point, north: number, east = 0): Point {
  const rad = Math.PI / 180;
  return {
    lat: from.lat + north / (EARTH_RADIUS_M * rad),
    lng: from.lng + east / (EARTH_RADIUS_M * rad * Math.cos(from.lat * rad)),
  };
}

/** Creates an available courier at a point, as the API would. */
export async function addCourier(
  sql: Sql,
  redis: Redis,
  keys: LogisticsKeys,
  courier: { id: string; at: Point; capacity?: number; vehicle?: Vehicle; status?: 'available' | 'offline' },
): Promise<void> {
  const registry = new CourierRegistry(sql, redis, keys);
  await sql.begin((tx) =>
    registry.insert(tx, {
      id: courier.id,
      vehicle: courier.vehicle ?? 'ebike',
      capacity: courier.capacity ?? 1,
    }),
  );
  await registry.publish(courier.id);
  await registry.setLocation(courier.id, courier.at);
  await registry.setStatus(courier.id, courier.status ?? 'available');
}

export async function addLocker(
  sql: Sql,
  redis: Redis,
  keys: LogisticsKeys,
  locker: Omit<NewLocker, 'holdHours' | 'compartments'> & {
    holdHours?: number;
    compartments: { size: 'S' | 'M' | 'L'; temperature?: 'ambient' | 'chilled' | 'frozen'; count: number }[];
  },
): Promise<void> {
  const registry = new LockerRegistry(sql, redis, keys);
  const full: NewLocker = {
    ...locker,
    holdHours: locker.holdHours ?? 48,
    compartments: locker.compartments.map((c) => ({ ...c, temperature: c.temperature ?? 'ambient' })),
  };
  await sql.begin((tx) => registry.insert(tx, full));
  await registry.publish(locker.id);
}

/** Deletes every key under the prefix, as a FLUSHDB would for this test's keys. */
export async function loseRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== '0');
}
