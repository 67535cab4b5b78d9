import type { Point } from '@quarterhour/geo';
import { cellToLatLng } from 'h3-js';
import type { RoutableSite } from './types.ts';

export const STORE = 1;
export const PROVIDER = 2;

const RAD = Math.PI / 180;

/** `state` of a paused site. */
const PAUSED = -1;
/** `state` of an open (unpaused) site whose hours have not been checked yet. */
const UNKNOWN = -2;

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
 * Every site by slot (an int), in the typed arrays that routing's hot loops read: no object
 * is touched to decide position, kind, pause or "open now". Slots are grouped by bucket in
 * H3 order, which keeps nearby sites near each other in memory. SiteIndex builds a new
 * layout when a site is added, removed, moved or changes kind (a ranking under way keeps
 * the one it started on); a new version of a site in place (status, hours, capacity) is
 * written into the current layout (replace).
 */
export class SiteLayout {
  readonly count: number;
  readonly sites: RoutableSite[];
  /**
   * Four numbers a slot, in one array so that a slot's test touches one cache line: the unit
   * vector of its position (x, y, z; squared chords order like haversine) and its state —
   * PAUSED, UNKNOWN, or the open-now memo `2·minute + (open ? 1 : 0)` for the epoch minute
   * it was last checked (hours have minute resolution).
   */
  readonly hot: Float64Array;
  /** STORE or PROVIDER. */
  readonly kind: Uint8Array;
  readonly buckets: ReadonlyMap<string, BucketRun>;
  private readonly slotOf = new Map<string, number>();

  /** `entries` must be sorted by bucket. */
  constructor(entries: readonly IndexedSite[]) {
    const count = entries.length;
    this.count = count;
    this.sites = entries.map((entry) => entry.site);
    this.hot = new Float64Array(count * 4);
    this.kind = new Uint8Array(count);
    const buckets = new Map<string, BucketRun>();
    for (let slot = 0; slot < count; slot++) {
      const entry = entries[slot]!;
      this.hot[slot * 4] = entry.x;
      this.hot[slot * 4 + 1] = entry.y;
      this.hot[slot * 4 + 2] = entry.z;
      this.hot[slot * 4 + 3] = entry.site.status === 'open' ? UNKNOWN : PAUSED;
      this.kind[slot] = entry.site.kind === 'store' ? STORE : PROVIDER;
      this.slotOf.set(entry.site.id, slot);
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
   * Is the slot's site unpaused and open now by its opening hours? `minute` is the epoch
   * minute of `now`. Memoised per slot and minute: a site near many customers is asked
   * thousands of times a minute. (Before 1970 the memo is skipped.)
   */
  openAt(slot: number, now: Date, minute: number): boolean {
    const state = this.hot[slot * 4 + 3]!;
    if (state === PAUSED) return false;
    const memo = 2 * minute;
    if (state === memo + 1) return true;
    if (state === memo) return false;
    const open = this.sites[slot]!.isOpen(now);
    if (minute >= 0) this.hot[slot * 4 + 3] = memo + (open ? 1 : 0);
    return open;
  }

  /**
   * A new version of a site at the same position and of the same kind: its status and
   * hours take effect at once (the open-now memo starts over), for rankings under way too.
   */
  replace(site: RoutableSite): void {
    const slot = this.slotOf.get(site.id);
    if (slot === undefined) return;
    this.sites[slot] = site;
    this.hot[slot * 4 + 3] = site.status === 'open' ? UNKNOWN : PAUSED;
  }

  /** Is the slot's site unpaused? */
  unpaused(slot: number): boolean {
    return this.hot[slot * 4 + 3] !== PAUSED;
  }
}
