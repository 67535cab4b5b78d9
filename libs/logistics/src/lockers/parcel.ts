import type { Size, Temperature } from '../compartments.ts';

/**
 * A parcel as the Lua scripts keep it, JSON in the locker's parcels hash. Times are ms
 * since epoch from the caller's clock.
 */
export interface HotParcel {
  number: number;
  category: number;
  size: Size;
  temperature: Temperature;
  code: string;
  state: 'reserved' | 'occupied';
  reservedAt: number;
  holdHours: number;
  depositedAt?: number;
  expiresAt?: number;
}
