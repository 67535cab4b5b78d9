import { getHexagonEdgeLengthAvg, gridDisk } from 'h3-js';
import { cellOf } from './cells.ts';
import type { Point } from './distance.ts';

/*
 * Which H3 cells can hold a point within r metres of a centre C?
 *
 * Let c0 be the cell of C and cP the cell of a point P with |CP| <= r (great-circle metres).
 * Two facts about the grid at a resolution, with global extremes over the whole sphere:
 *
 *   R_max  every point of a cell is within R_max of the cell's centre (largest circumradius);
 *   ρ_min  two cells d steps apart in the neighbour graph have centres at least d·ρ_min apart
 *          ("ring spacing": the smallest centre distance per grid step).
 *
 * By the triangle inequality |centre(c0) centre(cP)| <= R_max + r + R_max, and by the second
 * fact d·ρ_min <= that, so   d <= (r + 2·R_max) / ρ_min   and gridDisk(c0, k) with
 * k = floor((r + 2·R_max) / ρ_min) holds cP. Read the other way round, a cell d steps out
 * holds no point nearer than d·ρ_min − 2·R_max: that is `minDistanceToRing`.
 *
 * Why ρ_min is measured rather than taken as (√3/2)·s_min (s_min = least spacing between
 * neighbouring centres, the textbook bound for a regular hexagon grid): H3 cells shrink and
 * skew towards the 12 pentagons (icosahedron vertices), and there the textbook bound fails:
 * beside a resolution-3 pentagon a cell two steps away has its centre at 0.988 of the
 * 2·(√3/2)·s_min it promises. So cover.test.ts measures ρ_min itself.
 *
 * The constants scale with the average hexagon edge e(res) (getHexagonEdgeLengthAvg; h3-js 4
 * gives 1406.5, 531.4 and 200.8 m at resolutions 7, 8 and 9), since H3's distortion pattern
 * repeats at every resolution. Measured by cover.test.ts (exhaustive
 * at resolutions 0–2; around every pentagon and at the largest cells at 7–9, with grid
 * distances up to 12 there, and up to 20 when these constants were derived):
 *
 *   largest circumradius  1.102·e  (the largest hexagons; a regular hexagon's circumradius
 *                                    is its edge, so these are ~10% above average)
 *   smallest ring spacing 1.051·e  (cells beside pentagons at odd, Class III, resolutions; even
 *                                    resolutions 1.095·e; a regular grid gives 1.5·e)
 *
 * We use 1.15·e and 1.00·e, a margin of 4% and 5% that also absorbs the gap between H3's
 * authalic radius (6,371,007.2 m) and the API's 6,371,008.8 m. The argument holds on the
 * sphere (it needs only the triangle inequality), for radii that are small beside the globe:
 * the ring spacing was checked out to 20 rings.
 */

/** Largest circumradius of any cell, in units of the average hexagon edge, with margin. */
const CIRCUMRADIUS_PER_EDGE = 1.15;
/** Smallest centre distance per grid step, in units of the average hexagon edge, with margin. */
const RING_SPACING_PER_EDGE = 1.0;

const MAX_RESOLUTION = 15;

/** getHexagonEdgeLengthAvg crosses into wasm; the table keeps the hot path in plain JS. */
const AVG_EDGE_M: readonly number[] = Array.from({ length: MAX_RESOLUTION + 1 }, (_, res) =>
  getHexagonEdgeLengthAvg(res, 'm'),
);

function avgEdgeMeters(resolution: number): number {
  const edge = AVG_EDGE_M[resolution];
  if (edge === undefined || !Number.isInteger(resolution)) {
    throw new RangeError(`resolution must be an integer 0..${MAX_RESOLUTION}, got ${resolution}`);
  }
  return edge;
}

/** An upper bound, valid over the whole globe, on the distance from a cell's centre to any of its points. */
export function maxCellCircumradius(resolution: number): number {
  return CIRCUMRADIUS_PER_EDGE * avgEdgeMeters(resolution);
}

/** A lower bound, valid over the whole globe, on centre distance per grid step between two cells. */
export function minCellCentreSpacing(resolution: number): number {
  return RING_SPACING_PER_EDGE * avgEdgeMeters(resolution);
}

/**
 * A k for which gridDisk(cellOf(C), k) provably holds the cell of every point within
 * `radiusMeters` of C (great-circle), wherever C is on the globe, pentagons included: the
 * smallest k the bound above allows.
 */
export function coverK(radiusMeters: number, resolution: number): number {
  if (!(radiusMeters >= 0) || !Number.isFinite(radiusMeters)) {
    throw new RangeError(`radiusMeters must be a finite number >= 0, got ${radiusMeters}`);
  }
  const reach = radiusMeters + 2 * maxCellCircumradius(resolution);
  return Math.floor(reach / minCellCentreSpacing(resolution));
}

/**
 * A lower bound on the great-circle distance from any point of the centre cell to any point of a
 * cell `ring` or more grid steps away; 0 when the bound says nothing. A ring search may stop
 * once this exceeds the best distance found so far.
 */
export function minDistanceToRing(ring: number, resolution: number): number {
  const bound = ring * minCellCentreSpacing(resolution) - 2 * maxCellCircumradius(resolution);
  return Math.max(bound, 0);
}

/**
 * Cells that together hold every point within `radiusMeters` of `center`. gridDisk in h3-js 4
 * is the safe variant: near a pentagon it falls back to a breadth-first walk instead of failing.
 */
export function circleCells(center: Point, radiusMeters: number, resolution: number): string[] {
  return gridDisk(cellOf(center, resolution), coverK(radiusMeters, resolution));
}
