import { latLngToCell } from 'h3-js';
import type { Point } from './distance.ts';

/** API.md: `cell` is the H3 index of the customer's point at resolution 9. */
export const ORDER_CELL_RESOLUTION = 9;

export function cellOf(point: Point, resolution = ORDER_CELL_RESOLUTION): string {
  return latLngToCell(point.lat, point.lng, resolution);
}
