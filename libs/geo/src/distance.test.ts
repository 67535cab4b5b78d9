import { describe, expect, it } from 'vitest';
import { cellOf } from './cells.ts';
import { haversineMeters, walkMinutes, walkRadiusMeters } from './distance.ts';

const circle = { walkSpeedMPerMin: 80, detourFactor: 1.3 };

describe('the circle', () => {
  it('measures one degree of latitude as R·π/180', () => {
    expect(haversineMeters({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(
      (6_371_008.8 * Math.PI) / 180,
      6,
    );
  });

  it('is symmetric and zero at the same point', () => {
    const a = { lat: 55.9533, lng: -3.1883 };
    const b = { lat: 55.9445, lng: -3.2061 };
    expect(haversineMeters(a, b)).toBeCloseTo(haversineMeters(b, a), 9);
    expect(haversineMeters(a, a)).toBe(0);
  });

  it('makes 15 minutes 923 m in a straight line with the defaults', () => {
    expect(walkRadiusMeters(15, circle)).toBeCloseTo(923.08, 2);
    expect(walkMinutes(walkRadiusMeters(15, circle), circle)).toBeCloseTo(15, 10);
  });

  it('places a point in a resolution-9 cell', () => {
    expect(cellOf({ lat: 31.2304, lng: 121.4737 })).toMatch(/^89[0-9a-f]{13}$/);
  });
});
