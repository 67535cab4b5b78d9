import { compareIds } from '@quarterhour/domain';
import { haversineMeters } from '@quarterhour/geo';
import type { Candidate } from './types.ts';

/**
 * Orders eligible candidates, best first, as a comparator: the planner ranks lazily, so
 * only the few candidates the reserve step needs are ever put in order. The reserve script
 * takes the first that really has the stock and the room, so a policy decides preference,
 * never feasibility.
 */
export interface RoutingPolicy {
  readonly name: string;
  /**
   * True only when `compare` orders exactly as API.md's rule does: smallest haversine
   * distance, ties to the smaller id by code point. The planner then ranks nearest-first
   * incrementally, without calling `compare`; a policy without it gets the whole circle
   * ranked under `compare`.
   */
  readonly distanceFirst?: boolean;
  compare(a: Candidate, b: Candidate, customer: { lat: number; lng: number }): number;
}

/** Distances closer than this are compared again with the exact haversine formula. */
const NEAR_TIE_M = 1e-6;

/**
 * API.md: the smallest `distanceMeters` (haversine); ties go to the smaller site id by
 * code point. Near-ties are settled with haversine itself, so the order is the
 * definition's even for candidates whose distance came from elsewhere.
 */
export const nearestPolicy: RoutingPolicy = {
  name: 'nearest',
  distanceFirst: true,
  compare(a, b, customer) {
    const difference = a.distanceMeters - b.distanceMeters;
    if (difference > NEAR_TIE_M || difference < -NEAR_TIE_M) return difference;
    return (
      haversineMeters(customer, a.site) - haversineMeters(customer, b.site) ||
      compareIds(a.site.id, b.site.id)
    );
  },
};
