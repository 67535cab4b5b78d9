import { compareIds } from '@quarterhour/domain';
import type { Candidate } from './types.ts';

/**
 * Orders eligible candidates, best first. The reserve script then takes the first one
 * that really has the stock and the room, so a policy decides preference, never
 * feasibility.
 */
export interface RoutingPolicy {
  readonly name: string;
  rank(candidates: Candidate[]): Candidate[];
}

/** API.md: the smallest `distanceMeters`; ties go to the smaller site id (code points). */
export const nearestPolicy: RoutingPolicy = {
  name: 'nearest',
  rank(candidates) {
    return candidates.sort((a, b) => a.distanceMeters - b.distanceMeters || compareIds(a.site.id, b.site.id));
  },
};
