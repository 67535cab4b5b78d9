import type { CircleSettings, Point } from '@quarterhour/geo';
import { haversineMeters, walkMinutes, walkRadiusMeters } from '@quarterhour/geo';
import type { SiteLayout } from './site-layout.ts';
import { CHORD_SLACK, chordOf } from './square-lists.ts';

const RAD = Math.PI / 180;

/**
 * A customer's circle (API.md "The circle"): membership is `walkMinutes(haversine) ≤
 * maxWalkMinutes`, exactly. Chords of the unit sphere decide the clear cases cheaply (they
 * order like haversine; rounding moves them by ~1e-12 relative, the slack is 1e-9), and
 * haversine itself decides the thin shell between.
 */
export class CustomerCircle {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly radiusMeters: number;
  /** Squared chords at or below this are inside, above `outsideSq` outside. */
  private readonly insideSq: number;
  private readonly outsideSq: number;

  constructor(
    readonly point: Point,
    readonly maxWalkMinutes: number,
    readonly settings: CircleSettings,
  ) {
    const lat = point.lat * RAD;
    const lng = point.lng * RAD;
    const c = Math.cos(lat);
    this.x = c * Math.cos(lng);
    this.y = c * Math.sin(lng);
    this.z = Math.sin(lat);
    this.radiusMeters = walkRadiusMeters(maxWalkMinutes, settings);
    const chord = chordOf(this.radiusMeters);
    this.insideSq = (chord * (1 - CHORD_SLACK)) ** 2;
    this.outsideSq = (chord * (1 + CHORD_SLACK)) ** 2 + 1e-30;
  }

  /** The squared chord from the customer to the slot's site if it is in the circle, else -1. */
  chordSqIfInside(layout: SiteLayout, slot: number): number {
    const hot = layout.hot;
    const dx = hot[slot * 4]! - this.x;
    const dy = hot[slot * 4 + 1]! - this.y;
    const dz = hot[slot * 4 + 2]! - this.z;
    const chordSq = dx * dx + dy * dy + dz * dz;
    if (chordSq > this.outsideSq) return -1;
    if (chordSq > this.insideSq && !this.contains(layout.sites[slot]!)) return -1;
    return chordSq;
  }

  contains(site: Point): boolean {
    return walkMinutes(haversineMeters(this.point, site), this.settings) <= this.maxWalkMinutes;
  }
}
