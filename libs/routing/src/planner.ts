import { nearestPolicy, type RoutingPolicy } from './policy.ts';
import type { SiteIndex } from './site-index.ts';
import type { Candidate, RoutableSite, RoutingRequest, UnroutableReason } from './types.ts';

/**
 * The part of a routing decision that needs no live counters: candidates in the circle,
 * static eligibility (status, opening hours, exclusions), ranking. What remains — load
 * under capacity and stock for every line — is decided atomically by the reserve script
 * (or by an in-memory view in benchmarks and oracles).
 */
export type Plan =
  | { ok: false; reason: Extract<UnroutableReason, 'no_site_in_radius' | 'no_open_site'> }
  | { ok: true; ranked: Candidate[] };

export function kindFilter(request: RoutingRequest): (site: RoutableSite) => boolean {
  const serviceType = request.serviceType;
  if (serviceType !== undefined) return (site) => site.kind === 'provider' && site.services.has(serviceType);
  return (site) => site.kind === 'store';
}

export function planRoute(
  index: SiteIndex,
  request: RoutingRequest,
  now: Date,
  policy: RoutingPolicy = nearestPolicy,
): Plan {
  const inCircle = index.within(request.point, request.maxWalkMinutes, kindFilter(request));
  if (inCircle.length === 0) return { ok: false, reason: 'no_site_in_radius' };
  const exclude = request.exclude;
  const eligible = inCircle.filter(
    (candidate) =>
      candidate.site.status === 'open' && !exclude?.has(candidate.site.id) && candidate.site.isOpen(now),
  );
  if (eligible.length === 0) return { ok: false, reason: 'no_open_site' };
  return { ok: true, ranked: policy.rank(eligible) };
}
