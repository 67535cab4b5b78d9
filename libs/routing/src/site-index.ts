import type { Site } from '@quarterhour/domain';
import type { CircleSettings, Point } from '@quarterhour/geo';
import {
  coverK,
  EARTH_RADIUS_M,
  haversineMeters,
  maxCellCircumradius,
  walkMinutes,
  walkRadiusMeters,
} from '@quarterhour/geo';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { compileHours, isOpenCompiled, localTime } from './hours.ts';
import type { Candidate, RoutableSite } from './types.ts';

/**
 * Sites are bucketed by H3 cell at this resolution (edge ≈ 0.46 km): a 15-minute circle
 * (923 m) is then a small disk of buckets. See docs/ROUTING.md for the measurement.
 */
export const BUCKET_RESOLUTION = 9;

const RAD = Math.PI / 180;

/** The disk cache's grid: squares of this many degrees (about 1.1 km of latitude). */
const GRID_DEGREES = 0.01;
/**
 * An upper bound on the distance from any point of a square to its centre: half its
 * diagonal is at most √2/2 · 0.01° of latitude ≈ 790 m (a degree of latitude is under
 * 111.7 km, and a degree of longitude never longer); rounded up with a margin.
 */
const GRID_REACH_M = 0.75 * GRID_DEGREES * 111_700;

function cellOfSquare(latIndex: number, lngIndex: number): string {
  return latLngToCell((latIndex + 0.5) * GRID_DEGREES, (lngIndex + 0.5) * GRID_DEGREES, BUCKET_RESOLUTION);
}

const STORE = 1;
const PROVIDER = 2;

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
  /**
   * Every site packed into one array, grouped by bucket in H3 order (which keeps nearby
   * cells near each other in memory): x, y, z, kind per site. A query reads a few short
   * runs of it; separate small arrays per bucket cost a cache miss each. Rebuilt lazily
   * after a change.
   */
  private packed = new Float64Array(0);
  private packedSites: RoutableSite[] = [];
  private ranges = new Map<string, { start: number; end: number; cx: number; cy: number; cz: number }>();
  private dirty = true;
  private layout = 0;
  /** For a customer's cell at the current layout: [start, end, cx, cy, cz] per non-empty bucket of its disk. */
  private readonly diskCache = new Map<number, { layout: number; runs: Float64Array }>();
  /** Chord of the largest distance from a bucket's centre to a point of its cell. */
  private readonly bucketReach = 2 * Math.sin(maxCellCircumradius(BUCKET_RESOLUTION) / (2 * EARTH_RADIUS_M));
  private readonly openCache = new WeakMap<RoutableSite, { minute: number; open: boolean }>();

  constructor(readonly circle: CircleSettings) {}

  get size(): number {
    return this.sites.size;
  }

  get(id: string): RoutableSite | undefined {
    return this.sites.get(id)?.site;
  }

  upsert(site: RoutableSite): void {
    const [x, y, z] = unitVector(site);
    const bucket = latLngToCell(site.lat, site.lng, BUCKET_RESOLUTION);
    this.sites.set(site.id, { site, bucket, x, y, z });
    this.dirty = true;
  }

  remove(id: string): void {
    if (this.sites.delete(id)) this.dirty = true;
  }

  /**
   * Is the site open now by its hours? Memoised per site and minute: a site near many
   * customers is asked thousands of times a minute.
   */
  isOpen(site: RoutableSite, now: Date, minute: number): boolean {
    const cached = this.openCache.get(site);
    if (cached && cached.minute === minute) return cached.open;
    const open = site.isOpen(now);
    this.openCache.set(site, { minute, open });
    return open;
  }

  /**
   * Every store (or, given a service type, every provider of it) within
   * `maxWalkMinutes` of the point. Membership follows API.md's haversine definition
   * exactly; `distanceMeters` comes from the chord (equal to haversine within ~1e-9 m)
   * and is made exact when the candidate is ranked.
   */
  within(point: Point, maxWalkMinutes: number, serviceType?: string): Candidate[] {
    if (this.dirty) this.repack();
    const radius = walkRadiusMeters(maxWalkMinutes, this.circle);
    const maxChord = 2 * Math.sin(radius / (2 * EARTH_RADIUS_M));
    // Clearly inside or clearly outside by chord; in the thin shell between, haversine decides.
    const insideSq = (maxChord * (1 - 1e-9)) ** 2;
    const outsideSq = (maxChord * (1 + 1e-9)) ** 2 + 1e-30;
    const reach = maxChord * (1 + 1e-9) + this.bucketReach;
    const kind = serviceType === undefined ? STORE : PROVIDER;
    const [px, py, pz] = unitVector(point);
    const packed = this.packed;
    const runs = this.disk(point, radius);
    const out: Candidate[] = [];
    for (let r = 0; r < runs.length; r += 5) {
      // Triangle inequality on chords: no point of this cell can be inside the circle.
      const cdx = runs[r + 2]! - px;
      const cdy = runs[r + 3]! - py;
      const cdz = runs[r + 4]! - pz;
      if (cdx * cdx + cdy * cdy + cdz * cdz > reach * reach) continue;
      const end = runs[r + 1]!;
      for (let i = runs[r]!; i < end; i++) {
        const at = i * 4;
        if (packed[at + 3] !== kind) continue;
        const dx = packed[at]! - px;
        const dy = packed[at + 1]! - py;
        const dz = packed[at + 2]! - pz;
        const chordSq = dx * dx + dy * dy + dz * dz;
        if (chordSq > outsideSq) continue;
        const site = this.packedSites[i]!;
        if (serviceType !== undefined && !site.services.has(serviceType)) continue;
        if (chordSq > insideSq && walkMinutes(haversineMeters(point, site), this.circle) > maxWalkMinutes)
          continue;
        const distanceMeters = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(chordSq) / 2));
        out.push({ site, distanceMeters, walkMinutes: 0 });
      }
    }
    return out;
  }

  private repack(): void {
    const entries = [...this.sites.values()].sort((a, b) =>
      a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0,
    );
    const packed = new Float64Array(entries.length * 4);
    const ranges = new Map<string, { start: number; end: number; cx: number; cy: number; cz: number }>();
    entries.forEach((entry, i) => {
      packed.set([entry.x, entry.y, entry.z, entry.site.kind === 'store' ? STORE : PROVIDER], i * 4);
      const range = ranges.get(entry.bucket);
      if (range) range.end = i + 1;
      else {
        const [lat, lng] = cellToLatLng(entry.bucket);
        const [cx, cy, cz] = unitVector({ lat, lng });
        ranges.set(entry.bucket, { start: i, end: i + 1, cx, cy, cz });
      }
    });
    this.packed = packed;
    this.packedSites = entries.map((entry) => entry.site);
    this.ranges = ranges;
    this.layout += 1;
    this.dirty = false;
  }

  /**
   * The runs to scan for a point: cached per small lat/lng grid square, so a query does
   * no H3 call. The square's disk covers the circle of every point in it: a point is at
   * most GRID_REACH_M from the square's centre, so the disk of the centre for
   * radius + GRID_REACH_M (coverK's bound) contains each such point's circle.
   */
  private disk(point: Point, radius: number): Float64Array {
    const latIndex = Math.floor(point.lat / GRID_DEGREES);
    const lngIndex = Math.floor(point.lng / GRID_DEGREES);
    const k = coverK(radius + GRID_REACH_M, BUCKET_RESOLUTION);
    const key = ((latIndex + 100_000) * 400_000 + (lngIndex + 200_000)) * 64 + k;
    const cached = this.diskCache.get(key);
    if (cached && cached.layout === this.layout) return cached.runs;
    const centre = cellOfSquare(latIndex, lngIndex);
    const found: number[] = [];
    for (const cell of gridDisk(centre, k)) {
      const range = this.ranges.get(cell);
      if (range) found.push(range.start, range.end, range.cx, range.cy, range.cz);
    }
    const runs = Float64Array.from(found);
    if (this.diskCache.size > 500_000) this.diskCache.clear();
    this.diskCache.set(key, { layout: this.layout, runs });
    return runs;
  }
}
