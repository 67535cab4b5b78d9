import type { Site } from '@quarterhour/domain';
import type { CircleSettings, Point } from '@quarterhour/geo';
import { coverK, EARTH_RADIUS_M, haversineMeters, walkMinutes, walkRadiusMeters } from '@quarterhour/geo';
import { gridDisk, latLngToCell } from 'h3-js';
import { compileHours, isOpenCompiled, localTime } from './hours.ts';
import type { Candidate, RoutableSite } from './types.ts';

/**
 * Sites are bucketed by H3 cell at this resolution (edge ≈ 0.46 km): a 15-minute circle
 * (923 m) is then a small disk of buckets. See docs/ROUTING.md for the measurement.
 */
export const BUCKET_RESOLUTION = 8;

const RAD = Math.PI / 180;

interface IndexedSite {
  site: RoutableSite;
  bucket: string;
  /** Unit vector of the site's position: a cheap, exact-in-order pre-filter by chord length. */
  x: number;
  y: number;
  z: number;
}

function unitVector(point: Point): [number, number, number] {
  const lat = point.lat * RAD;
  const lng = point.lng * RAD;
  const c = Math.cos(lat);
  return [c * Math.cos(lng), c * Math.sin(lng), Math.sin(lat)];
}

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
 * The in-memory index of sites that routing searches: H3 buckets of sites, and for
 * each customer bucket the disk of buckets that provably covers the circle (cached, as
 * customers come from a limited set of cells). Every process holds one, built from
 * PostgreSQL at start and kept current through Redis pub/sub (see SiteIndexSync).
 */
export class SiteIndex {
  private readonly sites = new Map<string, IndexedSite>();
  private readonly buckets = new Map<string, IndexedSite[]>();
  private readonly diskCache = new Map<string, string[]>();

  constructor(private readonly circle: CircleSettings) {}

  get size(): number {
    return this.sites.size;
  }

  get(id: string): RoutableSite | undefined {
    return this.sites.get(id)?.site;
  }

  all(): IterableIterator<RoutableSite> {
    return Array.from(this.sites.values(), (entry) => entry.site)[Symbol.iterator]();
  }

  upsert(site: RoutableSite): void {
    this.remove(site.id);
    const [x, y, z] = unitVector(site);
    const bucket = latLngToCell(site.lat, site.lng, BUCKET_RESOLUTION);
    const entry: IndexedSite = { site, bucket, x, y, z };
    this.sites.set(site.id, entry);
    const list = this.buckets.get(bucket);
    if (list) list.push(entry);
    else this.buckets.set(bucket, [entry]);
  }

  remove(id: string): void {
    const entry = this.sites.get(id);
    if (!entry) return;
    this.sites.delete(id);
    const list = this.buckets.get(entry.bucket);
    if (!list) return;
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.buckets.delete(entry.bucket);
  }

  /**
   * Every site within `maxWalkMinutes` of the point, with its exact distance (haversine,
   * as API.md defines it). `accept` filters by kind or service before any arithmetic.
   */
  within(point: Point, maxWalkMinutes: number, accept: (site: RoutableSite) => boolean): Candidate[] {
    const radius = walkRadiusMeters(maxWalkMinutes, this.circle);
    // Chord length between unit vectors grows with distance, so comparing squared chords
    // is a pre-filter in the same order as haversine; a small margin leaves the final
    // say at the edge to the exact formula.
    const maxChord = 2 * Math.sin(radius / (2 * EARTH_RADIUS_M));
    const maxChordSq = maxChord * maxChord * (1 + 1e-9) + 1e-18;
    const [px, py, pz] = unitVector(point);
    const out: Candidate[] = [];
    for (const cell of this.disk(point, radius)) {
      const list = this.buckets.get(cell);
      if (!list) continue;
      for (const entry of list) {
        if (!accept(entry.site)) continue;
        const dx = entry.x - px;
        const dy = entry.y - py;
        const dz = entry.z - pz;
        if (dx * dx + dy * dy + dz * dz > maxChordSq) continue;
        const distanceMeters = haversineMeters(point, entry.site);
        const minutes = walkMinutes(distanceMeters, this.circle);
        if (minutes <= maxWalkMinutes) out.push({ site: entry.site, distanceMeters, walkMinutes: minutes });
      }
    }
    return out;
  }

  private disk(point: Point, radius: number): string[] {
    const origin = latLngToCell(point.lat, point.lng, BUCKET_RESOLUTION);
    const k = coverK(radius, BUCKET_RESOLUTION);
    const key = `${origin}:${k}`;
    let cells = this.diskCache.get(key);
    if (!cells) {
      cells = gridDisk(origin, k);
      if (this.diskCache.size > 200_000) this.diskCache.clear();
      this.diskCache.set(key, cells);
    }
    return cells;
  }
}
