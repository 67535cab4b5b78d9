import type { Point } from '@quarterhour/geo';
import { coverK, EARTH_RADIUS_M, maxCellCircumradius } from '@quarterhour/geo';
import { gridDisk, latLngToCell } from 'h3-js';
import { type SiteLayout, unitVector } from './site-layout.ts';

/**
 * Sites are bucketed by H3 cell at this resolution (edge ≈ 0.2 km) to build the square
 * lists below; gridDisk + coverK find the buckets of a circle provably. See docs/ROUTING.md.
 */
export const BUCKET_RESOLUTION = 9;

const RAD = Math.PI / 180;

/** Customers are grouped by lat/lng squares of this many degrees (≈ 280 × 240 m in Shanghai). */
export const SQUARE_DEGREES = 0.0025;

/**
 * An upper bound, in metres, on the great-circle distance from any point of a square to the
 * square's centre, anywhere on the globe. A point differs from the centre by at most
 * h = SQUARE_DEGREES / 2 in latitude and in longitude. The path that moves linearly in
 * (lat, lng) from one to the other has length ∫ R·√(φ'² + cos²φ·λ'²) ≤ R·√(Δφ² + Δλ²)
 * ≤ R·h·√2 (radians), and the great circle is no longer than any path: 196.6 m for
 * 0.0025°. One metre more absorbs every rounding (of the square index, of unit vectors
 * and chords: all below 1e-6 m), so the bounds built on it hold strictly.
 */
export const SQUARE_REACH_M = EARTH_RADIUS_M * (SQUARE_DEGREES / 2) * RAD * Math.SQRT2 + 1;

/** The same reach as a chord of the unit sphere: a chord is never longer than its arc. */
const SQUARE_REACH_CHORD = SQUARE_REACH_M / EARTH_RADIUS_M;

/** Chord of the largest distance from a bucket's centre to a point of its cell. */
const BUCKET_REACH_CHORD = maxCellCircumradius(BUCKET_RESOLUTION) / EARTH_RADIUS_M;

/** Relative slack on a circle's chord: far above rounding (~1e-12), far below a millimetre. */
export const CHORD_SLACK = 1e-9;

/** Chord of the unit sphere under an arc of `meters`. */
export function chordOf(meters: number): number {
  return 2 * Math.sin(Math.min(meters / (2 * EARTH_RADIUS_M), Math.PI / 2));
}

/**
 * The sites of one kind that can be in the circle of some point of one square, for circles
 * up to `radiusMeters`, sorted by a lower bound on their distance from any point of the
 * square. Distances are chords of the unit sphere (they order like great-circle distances).
 *
 * For a customer p in the square with centre c and a site s, the triangle inequality on
 * chords gives chord(p, s) ≥ chord(c, s) − chord(c, p) ≥ chord(c, s) − SQUARE_REACH_CHORD,
 * so `lb = max(0, chord(c, s) − SQUARE_REACH_CHORD)` is a lower bound on chord(p, s) —
 * strictly, by the metre of margin, whenever it is above 0. Hence:
 * - every site in p's circle of radius r has lb ≤ chordOf(r): it is in the list, and in
 *   the prefix `prefixEnd(r)`;
 * - every site after position i is at least lb[i] from p: a nearest-first walk may hand
 *   out a site at chord d once lb[i] > d for the first site i not looked at yet.
 */
export interface SquareList {
  /** Circles up to this radius (metres) are covered. */
  readonly radiusMeters: number;
  readonly slots: Int32Array;
  /** Ascending. */
  readonly lb: Float64Array;
}

/** How many entries of `list` can be in a circle of `radiusMeters` (≤ the list's own). */
export function prefixEnd(list: SquareList, radiusMeters: number): number {
  const lb = list.lb;
  if (radiusMeters >= list.radiusMeters) return lb.length;
  const limit = chordOf(radiusMeters) * (1 + CHORD_SLACK);
  let low = 0;
  let high = lb.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (lb[mid]! <= limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Most list entries kept at once (12 bytes each): ~25 MB. The cache starts over past it. */
const MAX_CACHED_ENTRIES = 2_000_000;

/**
 * SquareLists for one layout, made on first use per (square, kind). A list is built for at
 * least `minRadiusMeters` (the largest circle orders may ask for), so one list serves every
 * smaller circle as a prefix; a larger circle rebuilds it. Dropped with the layout.
 */
export class SquareListCache {
  private readonly lists = new Map<number, SquareList>();
  private entries = 0;

  constructor(
    private readonly layout: SiteLayout,
    private readonly minRadiusMeters: number,
  ) {}

  get(point: Point, radiusMeters: number, kind: number): SquareList {
    const latIndex = Math.min(Math.floor(point.lat / SQUARE_DEGREES), Math.round(90 / SQUARE_DEGREES) - 1);
    const lngIndex = Math.floor(point.lng / SQUARE_DEGREES);
    const key = ((latIndex + 40_000) * 160_000 + (lngIndex + 80_000)) * 4 + kind;
    const cached = this.lists.get(key);
    if (cached !== undefined && cached.radiusMeters >= radiusMeters) return cached;
    const list = buildSquareList(
      this.layout,
      { lat: (latIndex + 0.5) * SQUARE_DEGREES, lng: (lngIndex + 0.5) * SQUARE_DEGREES },
      Math.max(radiusMeters, this.minRadiusMeters),
      kind,
    );
    if (this.entries + list.slots.length > MAX_CACHED_ENTRIES) {
      this.lists.clear();
      this.entries = 0;
    }
    this.entries += list.slots.length - (cached?.slots.length ?? 0);
    this.lists.set(key, list);
    return list;
  }

  /** Lists and entries held (for tests and the benchmark's report). */
  stats(): { lists: number; entries: number } {
    return { lists: this.lists.size, entries: this.entries };
  }
}

/**
 * The list of a square with centre `centre`: every site of `kind` with
 * chord(c, s) ≤ chordOf(radius)·(1 + CHORD_SLACK) + SQUARE_REACH_CHORD. Those are within
 * 2R·asin(limit / 2) of c (a metre more for rounding), so coverK's disk of buckets around
 * c's cell holds them all; a bucket whose centre is farther than limit + BUCKET_REACH_CHORD
 * holds none (triangle inequality again) and is skipped unread.
 */
function buildSquareList(layout: SiteLayout, centre: Point, radiusMeters: number, kind: number): SquareList {
  const [cx, cy, cz] = unitVector(centre);
  const limit = chordOf(radiusMeters) * (1 + CHORD_SLACK) + SQUARE_REACH_CHORD;
  const arcLimit = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, limit / 2)) + 1;
  const bucketLimit = limit + BUCKET_REACH_CHORD;
  const xyz = layout.xyz;
  const kinds = layout.kind;
  const found: number[] = [];
  const bounds: number[] = [];
  for (const cell of gridDisk(
    latLngToCell(centre.lat, centre.lng, BUCKET_RESOLUTION),
    coverK(arcLimit, BUCKET_RESOLUTION),
  )) {
    const run = layout.buckets.get(cell);
    if (run === undefined) continue;
    const bx = run.cx - cx;
    const by = run.cy - cy;
    const bz = run.cz - cz;
    if (bx * bx + by * by + bz * bz > bucketLimit * bucketLimit) continue;
    for (let slot = run.start; slot < run.end; slot++) {
      if (kinds[slot] !== kind) continue;
      const dx = xyz[slot * 3]! - cx;
      const dy = xyz[slot * 3 + 1]! - cy;
      const dz = xyz[slot * 3 + 2]! - cz;
      const chord = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (chord > limit) continue;
      found.push(slot);
      bounds.push(Math.max(0, chord - SQUARE_REACH_CHORD));
    }
  }
  const order = found.map((_, i) => i).sort((a, b) => bounds[a]! - bounds[b]! || found[a]! - found[b]!);
  const slots = new Int32Array(order.length);
  const lb = new Float64Array(order.length);
  order.forEach((at, i) => {
    slots[i] = found[at]!;
    lb[i] = bounds[at]!;
  });
  return { radiusMeters, slots, lb };
}
