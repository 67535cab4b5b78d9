import type { Site } from '@quarterhour/domain';
import type { CircleSettings, Point } from '@quarterhour/geo';
import { haversineMeters, walkMinutes, walkRadiusMeters } from '@quarterhour/geo';
import { latLngToCell } from 'h3-js';
import { CustomerCircle } from './circle.ts';
import { compileHours, isOpenCompiled, localTime } from './hours.ts';
import { type Eligibility, NearestRanking } from './nearest-ranking.ts';
import { type IndexedSite, PROVIDER, SiteLayout, STORE, unitVector } from './site-layout.ts';
import { BUCKET_RESOLUTION, customerOffset, endFor, SquareListCache } from './square-lists.ts';
import type { Candidate, RoutableSite } from './types.ts';

export { BUCKET_RESOLUTION };

/** API.md: an order may ask for at most 15 minutes; every square list covers that. */
const MAX_WALK_MINUTES = 15;

export function routableSite(site: Site): RoutableSite {
  const hours = site.openingHours ? compileHours(site.openingHours) : null;
  const timezone = site.timezone;
  return {
    id: site.id,
    name: site.name,
    kind: site.kind,
    formats: site.formats,
    services: new Set(site.services),
    lat: site.location.lat,
    lng: site.location.lng,
    capacity: site.capacity,
    status: site.status,
    timezone,
    isOpen: hours ? (now) => isOpenCompiled(hours, localTime(timezone, now)) : () => true,
    acceptanceMode: site.acceptance.mode,
    acceptanceTimeoutSeconds: site.acceptance.timeoutSeconds,
  };
}

/**
 * The in-memory index of sites that routing searches. Every process holds one, built from
 * PostgreSQL at start and kept current through Redis pub/sub (see SiteIndexSync). Queries
 * read a SiteLayout (every site in typed arrays) and, per customer square, a list of the
 * sites near it sorted by a distance bound (SquareList); both are rebuilt lazily after any
 * change, so the next query sees it.
 */
export class SiteIndex {
  private readonly sites = new Map<string, IndexedSite>();
  private layout: SiteLayout | undefined;
  private squares: SquareListCache | undefined;
  private readonly openCache = new WeakMap<RoutableSite, { minute: number; open: boolean }>();
  private readonly minListRadius: number;

  constructor(readonly circle: CircleSettings) {
    this.minListRadius = walkRadiusMeters(MAX_WALK_MINUTES, circle);
  }

  get size(): number {
    return this.sites.size;
  }

  get(id: string): RoutableSite | undefined {
    return this.sites.get(id)?.site;
  }

  /**
   * A site that keeps its position and kind (a pause, new hours, a new capacity: the usual
   * changes) is replaced in the current layout in place, so the square lists stay valid;
   * anything else makes a new layout, and every list is rebuilt on first use.
   */
  upsert(site: RoutableSite): void {
    const previous = this.sites.get(site.id);
    if (
      previous &&
      previous.site.lat === site.lat &&
      previous.site.lng === site.lng &&
      previous.site.kind === site.kind
    ) {
      previous.site = site;
      this.layout?.replace(site);
      return;
    }
    const [x, y, z] = unitVector(site);
    const bucket = latLngToCell(site.lat, site.lng, BUCKET_RESOLUTION);
    this.sites.set(site.id, { site, bucket, x, y, z });
    this.layout = undefined;
  }

  remove(id: string): void {
    if (this.sites.delete(id)) this.layout = undefined;
  }

  /**
   * Is the site open now by its hours? Memoised per site and minute. (Ranking uses the
   * layout's per-slot memo instead; this serves callers holding a site object.)
   */
  isOpen(site: RoutableSite, now: Date, minute: number): boolean {
    const cached = this.openCache.get(site);
    if (cached && cached.minute === minute) return cached.open;
    const open = site.isOpen(now);
    this.openCache.set(site, { minute, open });
    return open;
  }

  /**
   * Every store (or, given a service type, every provider of it) within `maxWalkMinutes`
   * of the point, whatever its status, with exact haversine distances. Membership follows
   * API.md's definition exactly.
   */
  within(point: Point, maxWalkMinutes: number, serviceType?: string): Candidate[] {
    const circle = new CustomerCircle(point, maxWalkMinutes, this.circle);
    const { layout, list, end } = this.listFor(circle, serviceType);
    const out: Candidate[] = [];
    for (let i = 0; i < end; i++) {
      const slot = list.slots[i]!;
      if (circle.chordSqIfInside(layout, slot) < 0) continue;
      const site = layout.sites[slot]!;
      if (serviceType !== undefined && !site.services.has(serviceType)) continue;
      const distanceMeters = haversineMeters(point, site);
      out.push({ site, distanceMeters, walkMinutes: walkMinutes(distanceMeters, this.circle) });
    }
    return out;
  }

  /**
   * The statically eligible sites of the circle nearest first (API.md's order), lazily; or
   * undefined when no site of the kind (and service type) is in the circle at all, open or
   * not (`no_site_in_radius`).
   */
  nearestFirst(point: Point, maxWalkMinutes: number, eligibility: Eligibility): NearestRanking | undefined {
    const circle = new CustomerCircle(point, maxWalkMinutes, this.circle);
    const { layout, list, end, offset } = this.listFor(circle, eligibility.serviceType);
    // Nearly always the first entry: the list is sorted by distance from the square.
    let any = false;
    for (let i = 0; i < end && !any; i++) {
      const slot = list.slots[i]!;
      any =
        circle.chordSqIfInside(layout, slot) >= 0 &&
        (eligibility.serviceType === undefined || layout.sites[slot]!.services.has(eligibility.serviceType));
    }
    return any ? new NearestRanking(layout, list, end, offset, circle, eligibility) : undefined;
  }

  private listFor(circle: CustomerCircle, serviceType: string | undefined) {
    if (this.layout === undefined) {
      const entries = [...this.sites.values()].sort((a, b) =>
        a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0,
      );
      this.layout = new SiteLayout(entries);
      this.squares = new SquareListCache(this.layout, this.minListRadius);
    }
    const kind = serviceType === undefined ? STORE : PROVIDER;
    const list = this.squares!.get(circle.point, circle.radiusMeters, kind);
    const offset = customerOffset(list, circle.x, circle.y, circle.z);
    return { layout: this.layout, list, end: endFor(list, circle.radiusMeters, offset), offset };
  }

  /** Square lists and entries cached for the current layout (benchmark and tests). */
  cacheStats(): { lists: number; entries: number } {
    return this.squares?.stats() ?? { lists: 0, entries: 0 };
  }
}
