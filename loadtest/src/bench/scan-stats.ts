import { coverK, walkRadiusMeters } from '@quarterhour/geo';
import { BUCKET_RESOLUTION } from '@quarterhour/routing';
import { gridDisk, latLngToCell } from 'h3-js';
import type { City, CityOrder } from '../city.ts';
import { DEFAULT_CIRCLE } from '../memory-city.ts';

/**
 * How many sites SiteIndex.within looks at per order (every site in its disk of buckets)
 * (compare with the candidates it returns: the overscan its scan pays for). Recomputed here
 * from the same bucket resolution and cover rule, since the index does not count.
 */
export function meanSitesScanned(city: City, orders: CityOrder[]): number {
  const perBucket = new Map<string, number>();
  for (const site of city.sites) {
    const bucket = latLngToCell(site.location.lat, site.location.lng, BUCKET_RESOLUTION);
    perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + 1);
  }
  let scanned = 0;
  for (const order of orders) {
    const radius = walkRadiusMeters(order.maxWalkMinutes, DEFAULT_CIRCLE);
    const origin = latLngToCell(order.customer.lat, order.customer.lng, BUCKET_RESOLUTION);
    for (const bucket of gridDisk(origin, coverK(radius, BUCKET_RESOLUTION))) {
      scanned += perBucket.get(bucket) ?? 0;
    }
  }
  return scanned / Math.max(orders.length, 1);
}
