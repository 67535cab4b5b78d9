import { compareIds } from '@quarterhour/domain';
import { haversineMeters } from '@quarterhour/geo';
import type { CustomerCircle } from './circle.ts';
import { Ranking } from './ranked.ts';
import type { SiteLayout } from './site-layout.ts';
import type { SquareList } from './square-lists.ts';
import type { RoutableSite } from './types.ts';

/**
 * Chords closer than this (unit sphere, ≈ 6 µm) are compared again with haversine. Chord
 * rounding is ~1e-15, so chords further apart than this order exactly like haversine.
 */
const NEAR_TIE_CHORD = 1e-12;

export interface Eligibility {
  now: Date;
  /** Epoch minute of `now`, for the open-now memo. */
  minute: number;
  serviceType: string | undefined;
  exclude: ReadonlySet<string> | undefined;
}

/**
 * Nearest first, incrementally (API.md's order: smallest haversine distance, ties to the
 * smaller id by code point), for distance-first policies. It walks the customer square's
 * list (sorted by distance from the square's centre, see SquareList) and keeps a small heap
 * of the sites looked at so far that are in the circle and statically eligible, keyed by
 * their exact chord to the customer. The heap's top may be handed out once the next unread
 * entry's distance from the centre exceeds the top's chord plus the customer's offset from
 * the centre: that site, and every one after it, is then farther than the top by at least
 * half a metre, so nothing unread can come first, ties included. A plan that takes the
 * nearest few sites reads only the sites about as near as they are, not the whole circle.
 */
export class NearestRanking extends Ranking {
  private nextEntry = 0;
  private size = 0;
  private readonly keys: number[] = [];
  private readonly slots: number[] = [];

  constructor(
    /** The snapshot this ranking reads; slots from nextSlot() index it. */
    readonly layout: SiteLayout,
    private readonly list: SquareList,
    /** Entries of `list` that can be in the circle (a prefix). */
    private readonly end: number,
    /** The customer's offset from the square's centre (customerOffset). */
    private readonly offset: number,
    private readonly circle: CustomerCircle,
    private readonly eligibility: Eligibility,
  ) {
    super(circle.point, circle.settings);
  }

  /** List entries read so far (for the benchmark: compare with `taken`). */
  get read(): number {
    return this.nextEntry;
  }

  nextSite(): RoutableSite | undefined {
    const slot = this.nextSlot();
    return slot < 0 ? undefined : this.layout.sites[slot];
  }

  /** Like nextSite(), as the site's slot in `layout` (-1 when none is left). */
  nextSlot(): number {
    const fromCentre = this.list.fromCentre;
    const listSlots = this.list.slots;
    while (
      this.nextEntry < this.end &&
      (this.size === 0 || fromCentre[this.nextEntry]! <= this.keys[0]! + this.offset)
    ) {
      this.consider(listSlots[this.nextEntry]!);
      this.nextEntry += 1;
    }
    if (this.size === 0) return -1;
    this.taken += 1;
    return this.pop();
  }

  /** Onto the heap if in the circle and statically eligible; the cheapest tests first. */
  private consider(slot: number): void {
    const layout = this.layout;
    if (!layout.unpaused(slot)) return;
    const chordSq = this.circle.chordSqIfInside(layout, slot);
    if (chordSq < 0) return;
    const { now, minute, serviceType, exclude } = this.eligibility;
    if (serviceType !== undefined && !layout.sites[slot]!.services.has(serviceType)) return;
    if (!layout.openAt(slot, now, minute)) return;
    if (exclude?.has(layout.sites[slot]!.id)) return;
    this.push(Math.sqrt(chordSq), slot);
  }

  /**
   * Heap order: chord, then — for chords within NEAR_TIE_CHORD — haversine, then id. `a`
   * and `b` are heap positions.
   */
  private before(a: number, b: number): boolean {
    const difference = this.keys[a]! - this.keys[b]!;
    if (difference < -NEAR_TIE_CHORD) return true;
    if (difference > NEAR_TIE_CHORD) return false;
    return this.tieBefore(this.slots[a]!, this.slots[b]!);
  }

  private tieBefore(slotA: number, slotB: number): boolean {
    const siteA = this.layout.sites[slotA]!;
    const siteB = this.layout.sites[slotB]!;
    const point = this.circle.point;
    const byDistance = haversineMeters(point, siteA) - haversineMeters(point, siteB);
    return byDistance < 0 || (byDistance === 0 && compareIds(siteA.id, siteB.id) < 0);
  }

  /** Sift up from a hole at the end: parents move down until the new entry fits. */
  private push(key: number, slot: number): void {
    const keys = this.keys;
    const slots = this.slots;
    let i = this.size;
    this.size = i + 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const difference = key - keys[parent]!;
      if (difference > NEAR_TIE_CHORD) break;
      if (difference >= -NEAR_TIE_CHORD && !this.tieBefore(slot, slots[parent]!)) break;
      keys[i] = keys[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    keys[i] = key;
    slots[i] = slot;
  }

  /** Take the top; the last entry sifts down from the root's hole. */
  private pop(): number {
    const keys = this.keys;
    const slots = this.slots;
    const top = slots[0]!;
    const size = this.size - 1;
    this.size = size;
    if (size === 0) return top;
    const key = keys[size]!;
    const slot = slots[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.before(child + 1, child)) child += 1;
      const difference = keys[child]! - key;
      if (difference > NEAR_TIE_CHORD) break;
      if (difference >= -NEAR_TIE_CHORD && !this.tieBefore(slots[child]!, slot)) break;
      keys[i] = keys[child]!;
      slots[i] = slots[child]!;
      i = child;
    }
    keys[i] = key;
    slots[i] = slot;
    return top;
  }
}
