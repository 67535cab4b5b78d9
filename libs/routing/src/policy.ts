import { compareIds } from '@quarterhour/domain';
import { haversineMeters } from '@quarterhour/geo';
import type { Candidate } from './types.ts';

/**
 * Orders eligible candidates, best first, as a comparator: the planner ranks lazily (a
 * heap), so only the few candidates the reserve step needs are ever put in order. The
 * reserve script takes the first that really has the stock and the room, so a policy
 * decides preference, never feasibility.
 */
export interface RoutingPolicy {
  readonly name: string;
  compare(a: Candidate, b: Candidate, customer: { lat: number; lng: number }): number;
}

/** Distances closer than this are compared again with the exact haversine formula. */
const NEAR_TIE_M = 1e-6;

/**
 * API.md: the smallest `distanceMeters` (haversine); ties go to the smaller site id by
 * code point. Candidates carry a distance from their chord, equal to haversine up to
 * ~1e-9 m; near-ties are settled with haversine itself, so the order is the definition's.
 */
export const nearestPolicy: RoutingPolicy = {
  name: 'nearest',
  compare(a, b, customer) {
    const difference = a.distanceMeters - b.distanceMeters;
    if (difference > NEAR_TIE_M || difference < -NEAR_TIE_M) return difference;
    return (
      haversineMeters(customer, a.site) - haversineMeters(customer, b.site) ||
      compareIds(a.site.id, b.site.id)
    );
  },
};
