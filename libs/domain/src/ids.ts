import { z } from 'zod';

/** Ids chosen by clients: sites, couriers, lockers, order externalIds. */
export const clientId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must match ^[A-Za-z0-9._-]{1,64}$');

export const sku = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must match ^[A-Za-z0-9._:-]{1,64}$');

export const quantity = z
  .number()
  .int('must be an integer')
  .min(0, 'must be >= 0')
  .max(1_000_000, 'must be <= 1000000');

export const latLng = z.object({
  lat: z.number().min(-90, 'must be >= -90').max(90, 'must be <= 90'),
  lng: z.number().min(-180, 'must be >= -180').max(180, 'must be <= 180'),
});
export type LatLng = z.infer<typeof latLng>;

/** Compares ids by code point, as API.md requires; never by locale or collation. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
