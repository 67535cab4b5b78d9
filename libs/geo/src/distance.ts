/** API.md "The circle": these definitions are fixed so any client can check a decision. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface Point {
  lat: number;
  lng: number;
}

export interface CircleSettings {
  walkSpeedMPerMin: number;
  detourFactor: number;
}

const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineMeters(a: Point, b: Point): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function walkMinutes(distanceMeters: number, circle: CircleSettings): number {
  return (distanceMeters * circle.detourFactor) / circle.walkSpeedMPerMin;
}

/** The straight-line radius of a circle of `minutes` walking. */
export function walkRadiusMeters(minutes: number, circle: CircleSettings): number {
  return (minutes * circle.walkSpeedMPerMin) / circle.detourFactor;
}
