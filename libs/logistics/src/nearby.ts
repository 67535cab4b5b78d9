import { compareIds } from '@quarterhour/domain';
import { cellOf, circleCells, haversineMeters, type Point } from '@quarterhour/geo';
import type { Redis } from 'ioredis';

/** Couriers and lockers are bucketed by H3 cell at this resolution, as routing buckets sites. */
export const INDEX_RESOLUTION = 8;

export function indexCell(point: Point): string {
  return cellOf(point, INDEX_RESOLUTION);
}

export interface NearbyMember {
  id: string;
  distanceMeters: number;
  /** The extra hash fields asked for, in order (null when missing). */
  fields: (string | null)[];
}

/**
 * Members of an H3-bucketed index within `radiusMeters` of `center`, nearest first (ties:
 * the smaller id by code point). Two round trips: the buckets of the provable cover (see
 * libs/geo cover.ts), then each member's position and the fields asked for. Nobody outside
 * the cover is ever read, so the cost follows the density around `center`, not the fleet.
 */
export async function findNearby(
  redis: Redis,
  index: { cellKey(cell: string): string; memberKey(id: string): string },
  center: Point,
  radiusMeters: number,
  fields: readonly string[] = [],
): Promise<NearbyMember[]> {
  const buckets = redis.pipeline();
  for (const cell of circleCells(center, radiusMeters, INDEX_RESOLUTION))
    buckets.smembers(index.cellKey(cell));
  const ids = new Set<string>();
  for (const [error, members] of (await buckets.exec()) ?? []) {
    if (error) throw error;
    for (const id of members as string[]) ids.add(id);
  }
  if (ids.size === 0) return [];
  const list = [...ids];
  const positions = redis.pipeline();
  for (const id of list) positions.hmget(index.memberKey(id), 'lat', 'lng', ...fields);
  const replies = (await positions.exec()) ?? [];
  const found: NearbyMember[] = [];
  list.forEach((id, i) => {
    const [error, values] = replies[i] ?? [null, null];
    if (error) throw error;
    const [lat, lng, ...rest] = (values ?? []) as (string | null)[];
    if (!lat || !lng) return;
    const distanceMeters = haversineMeters(center, { lat: Number(lat), lng: Number(lng) });
    if (distanceMeters <= radiusMeters) found.push({ id, distanceMeters, fields: rest });
  });
  return found.sort((a, b) => a.distanceMeters - b.distanceMeters || compareIds(a.id, b.id));
}
