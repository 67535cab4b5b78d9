import { haversineMeters } from '@quarterhour/geo';
import type { Random } from '../random.ts';
import type { Point } from './wire.ts';

export { haversineMeters };

const METERS_PER_DEGREE_LAT = 111_320;

/** `point` moved by metres north and east; exact enough within a city. */
export function offsetMeters(point: Point, north: number, east: number): Point {
  const metersPerDegreeLng = METERS_PER_DEGREE_LAT * Math.cos((point.lat * Math.PI) / 180);
  return { lat: point.lat + north / METERS_PER_DEGREE_LAT, lng: point.lng + east / metersPerDegreeLng };
}

/** A point drawn uniformly from the disc of `radius` metres around `center`. */
export function randomPointNear(center: Point, radius: number, random: Random): Point {
  // sqrt: without it points would crowd the centre of the disc.
  const distance = radius * Math.sqrt(random.next());
  const angle = 2 * Math.PI * random.next();
  return offsetMeters(center, distance * Math.cos(angle), distance * Math.sin(angle));
}

/** The point `fraction` (0..1) of the way from `from` to `to`. */
export function between(from: Point, to: Point, fraction: number): Point {
  const f = Math.min(1, Math.max(0, fraction));
  return { lat: from.lat + (to.lat - from.lat) * f, lng: from.lng + (to.lng - from.lng) * f };
}

/** Rounded to ~1 cm: the API takes any finite number, but short bodies read better in logs. */
export function rounded(point: Point): Point {
  return { lat: Math.round(point.lat * 1e7) / 1e7, lng: Math.round(point.lng * 1e7) / 1e7 };
}
