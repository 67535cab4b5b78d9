import type { Point } from '@quarterhour/geo';
import { cellToLatLng } from 'h3-js';
import type { RoutableSite } from './types.ts';

export const STORE = 1;
export const PROVIDER = 2;

const RAD = Math.PI / 180;
/** Below any epoch minute a Date can hold: "not memoised yet". */
const NO_MINUTE = -0x80000000;

export function unitVector(point: Point): [number, number, number] {
  const lat = point.lat * RAD;
  const lng = point.lng * RAD;
  const c = Math.cos(lat);
  return [c * Math.cos(lng), c * Math.sin(lng), Math.sin(lat)];
}

/** A site with what the layout needs of it, computed once when the site is upserted. */
export interface IndexedSite {
  site: RoutableSite;
  /** Its H3 cell at BUCKET_RESOLUTION. */
  bucket: string;
  x: number;
  y: number;
  z: number;
}

/** The slots of one H3 bucket, and its centre as a unit vector. */
export interface BucketRun {
  start: number;
  end: number;
  cx: number;
  cy: number;
  cz: number;
}

/**
 * One consistent snapshot of every site, by slot (an int), in the typed arrays that
 * routing's hot loops read: no object is touched to decide position, kind, status or
 * "open now". Slots are grouped by bucket in H3 order, which keeps nearby sites near each
 * other in memory. SiteIndex builds a new layout after any change (upsert, remove, status)
 * and never mutates one, except for the open-now memo, so a ranking that started on a
 * layout can keep reading it while the index moves on.
 */
export class SiteLayout {
  readonly count: number;
  readonly sites: RoutableSite[];
  /** Unit vector of each slot's position, x, y, z: squared chords order like haversine. */
  readonly xyz: Float64Array;
  /** STORE or PROVIDER. */
  readonly kind: Uint8Array;
  /** 1 when the site's status is `open` (not paused). */
  readonly statusOpen: Uint8Array;
  readonly buckets: ReadonlyMap<string, BucketRun>;
  /** Open-now memo: the epoch minute it was computed for, and the answer. */
  private readonly openMinute: Int32Array;
  private readonly openNow: Uint8Array;

  /** `entries` must be sorted by bucket. */
  constructor(entries: readonly IndexedSite[]) {
    const count = entries.length;
    this.count = count;
    this.sites = entries.map((entry) => entry.site);
    this.xyz = new Float64Array(count * 3);
    this.kind = new Uint8Array(count);
    this.statusOpen = new Uint8Array(count);
    this.openMinute = new Int32Array(count).fill(NO_MINUTE);
    this.openNow = new Uint8Array(count);
    const buckets = new Map<string, BucketRun>();
    for (let slot = 0; slot < count; slot++) {
      const entry = entries[slot]!;
      this.xyz[slot * 3] = entry.x;
      this.xyz[slot * 3 + 1] = entry.y;
      this.xyz[slot * 3 + 2] = entry.z;
      this.kind[slot] = entry.site.kind === 'store' ? STORE : PROVIDER;
      this.statusOpen[slot] = entry.site.status === 'open' ? 1 : 0;
      const run = buckets.get(entry.bucket);
      if (run) run.end = slot + 1;
      else {
        const [lat, lng] = cellToLatLng(entry.bucket);
        const [cx, cy, cz] = unitVector({ lat, lng });
        buckets.set(entry.bucket, { start: slot, end: slot + 1, cx, cy, cz });
      }
    }
    this.buckets = buckets;
  }

  /**
   * Is the slot's site open now by its opening hours? Memoised per slot and epoch minute
   * (hours have minute resolution): a site near many customers is asked thousands of times
   * a minute.
   */
  openAt(slot: number, now: Date, minute: number): boolean {
    if (this.openMinute[slot] === minute) return this.openNow[slot] === 1;
    const open = this.sites[slot]!.isOpen(now);
    this.openMinute[slot] = minute;
    this.openNow[slot] = open ? 1 : 0;
    return open;
  }
}
