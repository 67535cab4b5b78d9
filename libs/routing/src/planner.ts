import { nearestPolicy, type RoutingPolicy } from './policy.ts';
import { PolicyRanking, type RankedCandidates } from './ranked.ts';
import type { SiteIndex } from './site-index.ts';
import type { RoutableSite, RoutingRequest, UnroutableReason } from './types.ts';

/**
 * The part of a routing decision that needs no live counters: candidates of the right
 * kind in the circle, then — lazily, in rank order — static eligibility (status,
 * opening hours, exclusions). What remains, load under capacity and stock for every
 * line, is decided atomically by the reserve script (or by an in-memory view in
 * benchmarks and oracles). A plan whose ranking yields nothing means `no_open_site`.
 */
export type Plan =
  | { ok: false; reason: Extract<UnroutableReason, 'no_site_in_radius'> }
  | { ok: true; ranked: RankedCandidates };

/**
 * A distance-first policy is ranked incrementally, reading only the sites about as near as
 * those handed out (SiteIndex.nearestFirst); any other policy ranks the whole circle under
 * its comparator.
 */
export function planRoute(
  index: SiteIndex,
  request: RoutingRequest,
  now: Date,
  policy: RoutingPolicy = nearestPolicy,
): Plan {
  const minute = Math.floor(now.getTime() / 60_000);
  const exclude = request.exclude?.size ? request.exclude : undefined;
  if (policy.distanceFirst) {
    const ranked = index.nearestFirst(request.point, request.maxWalkMinutes, {
      now,
      minute,
      serviceType: request.serviceType,
      exclude,
    });
    return ranked ? { ok: true, ranked } : { ok: false, reason: 'no_site_in_radius' };
  }
  const inCircle = index.within(request.point, request.maxWalkMinutes, request.serviceType);
  if (inCircle.length === 0) return { ok: false, reason: 'no_site_in_radius' };
  const eligible = (site: RoutableSite) =>
    site.status === 'open' && !exclude?.has(site.id) && index.isOpen(site, now, minute);
  return { ok: true, ranked: new PolicyRanking(inCircle, policy, request.point, index.circle, eligible) };
}
