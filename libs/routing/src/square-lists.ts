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

/**
 * The bucket disks that lists are built from are shared by 4 × 4 squares (a "block" of
 * 0.01°): an H3 disk costs more than the list itself. A block's points are within
 * BLOCK_REACH_M of its centre, by the same argument as SQUARE_REACH_M.
 */
const BLOCK_SQUARES = 4;
const BLOCK_DEGREES = SQUARE_DEGREES * BLOCK_SQUARES;
const BLOCK_REACH_M = EARTH_RADIUS_M * (BLOCK_DEGREES / 2) * RAD * Math.SQRT2 + 1;

/** Relative slack on a circle's chord: far above rounding (~1e-12), far below a millimetre. */
export const CHORD_SLACK = 1e-9;

/** Chord of the unit sphere under an arc of `meters`. */
export function chordOf(meters: number): number {
  return 2 * Math.sin(Math.min(meters / (2 * EARTH_RADIUS_M), Math.PI / 2));
}

/** Half a metre as a chord: what a customer's offset adds, so bounds hold strictly. */
const OFFSET_MARGIN_CHORD = 0.5 / EARTH_RADIUS_M;

/**
 * The sites of one kind that can be in the circle of some point of one square, for circles
 * up to `radiusMeters`, sorted by their distance from the square's centre c. Distances are
 * chords of the unit sphere (they order like great-circle distances, and obey the triangle
 * inequality).
 *
 * For a customer p of the square and a site s, chord(p, s) ≥ chord(c, s) − chord(c, p). Let
 * `offset` = chord(c, p) + OFFSET_MARGIN_CHORD (customerOffset; below SQUARE_REACH_CHORD by
 * at least half a metre). Then:
 * - every site in p's circle of radius r has chord(c, s) ≤ chordOf(r)·(1 + CHORD_SLACK) +
 *   offset: it is in the list (built for the largest offset), and before `endFor(r, offset)`;
 * - every site at position i or after is farther from p than fromCentre[i] − offset, by
 *   the half-metre margin: a nearest-first walk may hand out a site at chord d once
 *   fromCentre[i] > d + offset for the first site i not looked at yet, ties included.
 * The bound uses the customer's own offset, not the square's worst case, so a customer near
 * the centre reads fewer sites.
 */
export interface SquareList {
  /** The square: floor(lat / SQUARE_DEGREES), floor(lng / SQUARE_DEGREES). */
  readonly latIndex: number;
  readonly lngIndex: number;
  /** Circles up to this radius (metres) are covered. */
  readonly radiusMeters: number;
  /** Unit vector of the square's centre. */
  readonly cx: number;
  readonly cy: number;
  readonly cz: number;
  readonly slots: Int32Array;
  /** chord(c, s) of each entry, ascending. */
  readonly fromCentre: Float64Array;
}

/** See SquareList. `x, y, z`: the customer's unit vector. */
export function customerOffset(list: SquareList, x: number, y: number, z: number): number {
  const dx = list.cx - x;
  const dy = list.cy - y;
  const dz = list.cz - z;
  return Math.sqrt(dx * dx + dy * dy + dz * dz) + OFFSET_MARGIN_CHORD;
}

/** How many entries of `list` can be in a circle of `radiusMeters` (≤ the list's own) around a customer at `offset`. */
export function endFor(list: SquareList, radiusMeters: number, offset: number): number {
  const fromCentre = list.fromCentre;
  const limit = chordOf(radiusMeters) * (1 + CHORD_SLACK) + offset;
  let low = 0;
  let high = fromCentre.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (fromCentre[mid]! <= limit) low = mid + 1;
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
  /**
   * One map a kind, keyed by the low 15 bits of each square index: a small integer key is
   * much cheaper to look up than a larger number. Squares 82° apart share a key; the list
   * says which square it is, and a mismatch rebuilds it.
   */
  private readonly lists = [
    new Map<number, SquareList>(),
    new Map<number, SquareList>(),
    new Map<number, SquareList>(),
  ];
  private entries = 0;
  /** Bucket disks by block, keyed like the lists (see blockRuns). */
  private readonly blocks = new Map<number, BlockRuns>();

  constructor(
    private readonly layout: SiteLayout,
    private readonly minRadiusMeters: number,
  ) {}

  get(point: Point, radiusMeters: number, kind: number): SquareList {
    const latIndex = Math.min(Math.floor(point.lat / SQUARE_DEGREES), Math.round(90 / SQUARE_DEGREES) - 1);
    const lngIndex = Math.floor(point.lng / SQUARE_DEGREES);
    const key = ((latIndex & 0x7fff) << 15) | (lngIndex & 0x7fff);
    const lists = this.lists[kind]!;
    const cached = lists.get(key);
    if (
      cached !== undefined &&
      cached.radiusMeters >= radiusMeters &&
      cached.latIndex === latIndex &&
      cached.lngIndex === lngIndex
    )
      return cached;
    const radius = Math.max(radiusMeters, this.minRadiusMeters);
    const list = buildSquareList(
      this.layout,
      this.blockRuns(latIndex, lngIndex, radius),
      latIndex,
      lngIndex,
      radius,
      kind,
    );
    if (this.entries + list.slots.length > MAX_CACHED_ENTRIES) {
      for (const map of this.lists) map.clear();
      this.blocks.clear();
      this.entries = 0;
    }
    this.entries += list.slots.length - (lists.get(key)?.slots.length ?? 0);
    lists.set(key, list);
    return list;
  }

  /**
   * The non-empty buckets that can hold a site of some square of the block within
   * `radiusMeters` (plus the square's reach) of a point of it: the coverK disk around the
   * block centre's cell for the list limit's arc plus BLOCK_REACH_M (every square centre is
   * within that of the block centre). As [start, end, cx, cy, cz] per bucket.
   */
  private blockRuns(latIndex: number, lngIndex: number, radiusMeters: number): BlockRuns {
    const blockLat = Math.floor(latIndex / BLOCK_SQUARES);
    const blockLng = Math.floor(lngIndex / BLOCK_SQUARES);
    const key = ((blockLat & 0x7fff) << 15) | (blockLng & 0x7fff);
    const cached = this.blocks.get(key);
    if (
      cached !== undefined &&
      cached.radiusMeters >= radiusMeters &&
      cached.blockLat === blockLat &&
      cached.blockLng === blockLng
    )
      return cached;
    const lat = (blockLat + 0.5) * BLOCK_DEGREES;
    const lng = (blockLng + 0.5) * BLOCK_DEGREES;
    const reach = listArcLimit(radiusMeters) + BLOCK_REACH_M;
    const found: number[] = [];
    for (const cell of gridDisk(
      latLngToCell(lat, lng, BUCKET_RESOLUTION),
      coverK(reach, BUCKET_RESOLUTION),
    )) {
      const run = this.layout.buckets.get(cell);
      if (run) found.push(run.start, run.end, run.cx, run.cy, run.cz);
    }
    const runs = { blockLat, blockLng, radiusMeters, runs: Float64Array.from(found) };
    this.blocks.set(key, runs);
    return runs;
  }

  /** Lists and entries held (for tests and the benchmark's report). */
  stats(): { lists: number; entries: number } {
    return { lists: this.lists.reduce((sum, map) => sum + map.size, 0), entries: this.entries };
  }
}

interface BlockRuns {
  readonly blockLat: number;
  readonly blockLng: number;
  readonly radiusMeters: number;
  readonly runs: Float64Array;
}

/** The chord limit of a square's list for circles up to `radiusMeters` (see buildSquareList). */
function listLimit(radiusMeters: number): number {
  return chordOf(radiusMeters) * (1 + CHORD_SLACK) + SQUARE_REACH_CHORD;
}

/** The arc under listLimit, a metre more for rounding. */
function listArcLimit(radiusMeters: number): number {
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, listLimit(radiusMeters) / 2)) + 1;
}

/**
 * The list of a square with centre c: every site of `kind` with chord(c, s) ≤ listLimit.
 * Those are within listArcLimit of c, so within listArcLimit + BLOCK_REACH_M of the block's
 * centre, so in the block's buckets (coverK); a bucket whose centre is farther from c than
 * limit + BUCKET_REACH_CHORD holds none (triangle inequality again) and is skipped unread.
 */
function buildSquareList(
  layout: SiteLayout,
  block: BlockRuns,
  latIndex: number,
  lngIndex: number,
  radiusMeters: number,
  kind: number,
): SquareList {
  const [cx, cy, cz] = unitVector({
    lat: (latIndex + 0.5) * SQUARE_DEGREES,
    lng: (lngIndex + 0.5) * SQUARE_DEGREES,
  });
  const limit = listLimit(radiusMeters);
  const bucketLimit = limit + BUCKET_REACH_CHORD;
  const hot = layout.hot;
  const kinds = layout.kind;
  const runs = block.runs;
  const found: number[] = [];
  const bounds: number[] = [];
  for (let r = 0; r < runs.length; r += 5) {
    const bx = runs[r + 2]! - cx;
    const by = runs[r + 3]! - cy;
    const bz = runs[r + 4]! - cz;
    if (bx * bx + by * by + bz * bz > bucketLimit * bucketLimit) continue;
    const end = runs[r + 1]!;
    for (let slot = runs[r]!; slot < end; slot++) {
      if (kinds[slot] !== kind) continue;
      const dx = hot[slot * 4]! - cx;
      const dy = hot[slot * 4 + 1]! - cy;
      const dz = hot[slot * 4 + 2]! - cz;
      const chord = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (chord > limit) continue;
      found.push(slot);
      bounds.push(chord);
    }
  }
  // Insertion sort by distance (then slot): a few hundred entries, arriving bucket by bucket.
  const count = found.length;
  const slots = new Int32Array(count);
  const fromCentre = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const chord = bounds[i]!;
    const slot = found[i]!;
    let at = i;
    while (
      at > 0 &&
      (fromCentre[at - 1]! > chord || (fromCentre[at - 1] === chord && slots[at - 1]! > slot))
    ) {
      fromCentre[at] = fromCentre[at - 1]!;
      slots[at] = slots[at - 1]!;
      at -= 1;
    }
    fromCentre[at] = chord;
    slots[at] = slot;
  }
  return { latIndex, lngIndex, radiusMeters, cx, cy, cz, slots, fromCentre };
}
