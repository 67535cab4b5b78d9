import { compareIds } from '@quarterhour/domain';
import {
  type CircleSettings,
  haversineMeters,
  type Point,
  walkMinutes,
  walkRadiusMeters,
} from '@quarterhour/geo';
import { describe, expect, it } from 'vitest';
import { decideInMemory, MemoryStockView } from './memory-view.ts';
import { planRoute } from './planner.ts';
import { nearestPolicy, type RoutingPolicy } from './policy.ts';
import { SiteIndex } from './site-index.ts';
import { SQUARE_DEGREES, SQUARE_REACH_M } from './square-lists.ts';
import type { RoutableSite, RoutingRequest } from './types.ts';

const CIRCLE: CircleSettings = { walkSpeedMPerMin: 80, detourFactor: 1.3 };
const NOW = new Date('2025-06-11T11:30:00Z');
const ORIGIN: Point = { lat: 31.23, lng: 121.47 };
/** Metres per degree of latitude (R·π/180), for placing sites at a distance. */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

function site(id: string, point: Point, extra: Partial<RoutableSite> = {}): RoutableSite {
  return {
    id,
    name: id,
    kind: 'store',
    formats: [],
    services: new Set(),
    lat: point.lat,
    lng: point.lng,
    capacity: 10,
    status: 'open',
    timezone: 'Asia/Shanghai',
    isOpen: () => true,
    acceptanceMode: 'auto',
    acceptanceTimeoutSeconds: 60,
    ...extra,
  };
}

/** A point `north` and `east` metres from `from` (flat approximation; exact distances are measured). */
function offset(from: Point, north: number, east: number): Point {
  return {
    lat: from.lat + north / M_PER_DEG,
    lng: from.lng + east / (M_PER_DEG * Math.cos((from.lat * Math.PI) / 180)),
  };
}

/** mulberry32: the same sequence every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** API.md read literally: every eligible site of the circle, by haversine, then id. */
function expectedOrder(sites: RoutableSite[], request: RoutingRequest, now: Date): string[] {
  return sites
    .filter((s) => (request.serviceType === undefined ? s.kind === 'store' : s.kind === 'provider'))
    .filter((s) => request.serviceType === undefined || s.services.has(request.serviceType))
    .map((s) => ({ s, d: haversineMeters(request.point, s) }))
    .filter(({ d }) => walkMinutes(d, CIRCLE) <= request.maxWalkMinutes)
    .filter(({ s }) => s.status === 'open' && s.isOpen(now) && !request.exclude?.has(s.id))
    .sort((a, b) => a.d - b.d || compareIds(a.s.id, b.s.id))
    .map(({ s }) => s.id);
}

function rankedIds(index: SiteIndex, request: RoutingRequest, policy?: RoutingPolicy): string[] | 'none' {
  const plan = planRoute(index, request, NOW, policy);
  if (!plan.ok) return 'none';
  return [...plan.ranked].map((candidate) => candidate.site.id);
}

function indexOf(sites: RoutableSite[]): SiteIndex {
  const index = new SiteIndex(CIRCLE);
  for (const s of sites) index.upsert(s);
  return index;
}

describe('SiteIndex nearest-first ranking', () => {
  const draw = random(7);
  // Dense clusters and sparse background, some paused or closed, a few providers.
  const sites: RoutableSite[] = [];
  for (let i = 0; i < 1_500; i++) {
    const cluster = i % 5;
    const spread = cluster === 0 ? 3_000 : 300;
    const centre = offset(ORIGIN, (cluster - 2) * 700, (cluster % 2) * 500);
    const at = offset(centre, (draw() - 0.5) * spread, (draw() - 0.5) * spread);
    sites.push(
      site(`s-${String(i).padStart(4, '0')}`, at, {
        kind: i % 17 === 0 ? 'provider' : 'store',
        services: new Set(i % 34 === 0 ? ['repair'] : i % 17 === 0 ? ['tailor'] : []),
        status: draw() < 0.05 ? 'paused' : 'open',
        isOpen: draw() < 0.1 ? () => false : () => true,
      }),
    );
  }
  const index = indexOf(sites);

  it('hands out every eligible site of the circle in API.md order, for random customers and radii', () => {
    for (let i = 0; i < 400; i++) {
      const point = offset(ORIGIN, (draw() - 0.5) * 4_000, (draw() - 0.5) * 4_000);
      const request: RoutingRequest = { point, maxWalkMinutes: 1 + Math.floor(draw() * 15) };
      const expected = expectedOrder(sites, request, NOW);
      const got = rankedIds(index, request);
      if (got === 'none') expect(index.within(point, request.maxWalkMinutes)).toEqual([]);
      else expect(got).toEqual(expected);
    }
  });

  it('ranks providers of a service type, and leaves out excluded sites', () => {
    for (let i = 0; i < 100; i++) {
      const point = offset(ORIGIN, (draw() - 0.5) * 3_000, (draw() - 0.5) * 3_000);
      const exclude = new Set(sites.filter(() => draw() < 0.2).map((s) => s.id));
      const request: RoutingRequest = { point, maxWalkMinutes: 15, serviceType: 'repair', exclude };
      const got = rankedIds(index, request);
      if (got !== 'none') expect(got).toEqual(expectedOrder(sites, request, NOW));
    }
  });

  it('gives the same order through the whole-circle path for a policy that is not distance-first', () => {
    const slowNearest: RoutingPolicy = { name: 'nearest, ranked whole', compare: nearestPolicy.compare };
    const farthest: RoutingPolicy = {
      name: 'farthest',
      compare: (a, b) => b.distanceMeters - a.distanceMeters || compareIds(a.site.id, b.site.id),
    };
    for (let i = 0; i < 100; i++) {
      const point = offset(ORIGIN, (draw() - 0.5) * 3_000, (draw() - 0.5) * 3_000);
      const request: RoutingRequest = { point, maxWalkMinutes: 10 };
      const expected = expectedOrder(sites, request, NOW);
      expect(rankedIds(index, request, slowNearest)).toEqual(rankedIds(index, request));
      const reversed = rankedIds(index, request, farthest);
      if (reversed !== 'none') {
        const distance = (id: string) => haversineMeters(point, sites.find((s) => s.id === id)!);
        expect([...reversed].sort((a, b) => distance(a) - distance(b) || compareIds(a, b))).toEqual(expected);
        for (let k = 1; k < reversed.length; k++)
          expect(distance(reversed[k - 1]!)).toBeGreaterThanOrEqual(distance(reversed[k]!));
      }
    }
  });

  it('take() and next() continue one ranking, with exact distances', () => {
    const point = offset(ORIGIN, 100, -200);
    const request: RoutingRequest = { point, maxWalkMinutes: 15 };
    const plan = planRoute(index, request, NOW);
    if (!plan.ok) throw new Error('expected candidates');
    const first = plan.ranked.take(3);
    const then = plan.ranked.next()!;
    const rest = plan.ranked.take(1_000);
    expect([...first, then, ...rest].map((c) => c.site.id)).toEqual(expectedOrder(sites, request, NOW));
    expect(plan.ranked.taken).toBe(4 + rest.length);
    expect(then.distanceMeters).toBe(haversineMeters(point, then.site));
    expect(then.walkMinutes).toBe(walkMinutes(then.distanceMeters, CIRCLE));
  });
});

describe('ties and the edge of the circle', () => {
  it('breaks an exact distance tie by the smaller id, in either insertion order', () => {
    // Same latitude, longitudes mirrored about the customer: haversine is exactly equal.
    const customer = { lat: 31.2301, lng: 121.4713 };
    const east = offset(customer, 0, 150);
    const west = { lat: customer.lat, lng: customer.lng - (east.lng - customer.lng) };
    expect(haversineMeters(customer, east)).toBe(haversineMeters(customer, west));
    for (const ids of [
      ['b', 'a'],
      ['a', 'b'],
    ]) {
      const index = indexOf([site(ids[0]!, east), site(ids[1]!, west), site('c', offset(customer, 400, 0))]);
      expect(rankedIds(index, { point: customer, maxWalkMinutes: 15 })).toEqual(['a', 'b', 'c']);
    }
  });

  it('settles ties for customers anywhere in a square, and across squares', () => {
    const draw = random(11);
    const sites: RoutableSite[] = [];
    // Rings of sites at equal distance from a few centres, so many ties.
    for (let c = 0; c < 6; c++) {
      const centre = offset(ORIGIN, c * 170, c * 90);
      for (let k = 0; k < 8; k++) {
        const east = offset(centre, 0, 40 + k * 37);
        sites.push(site(`t${c}-${k}-e`, east));
        sites.push(site(`t${c}-${k}-w`, { lat: centre.lat, lng: 2 * centre.lng - east.lng }));
      }
      for (let k = 0; k < 8; k++) {
        const request: RoutingRequest = { point: centre, maxWalkMinutes: 1 + Math.floor(draw() * 15) };
        expect(rankedIds(indexOf(sites), request)).toEqual(expectedOrder(sites, request, NOW));
      }
    }
  });

  it('decides membership exactly for sites just inside and just outside the circle', () => {
    const customer = { lat: 31.2345, lng: 121.4567 };
    for (const minutes of [1, 5, 10, 15]) {
      const radius = walkRadiusMeters(minutes, CIRCLE);
      const sites: RoutableSite[] = [];
      for (let k = 0; k < 72; k++) {
        const angle = (k * 5 * Math.PI) / 180;
        for (const delta of [-1e-6, -1e-9, 0, 1e-9, 1e-6]) {
          const r = radius * (1 + delta);
          sites.push(site(`e${k}-${delta}`, offset(customer, r * Math.cos(angle), r * Math.sin(angle))));
        }
      }
      const index = indexOf(sites);
      const request = { point: customer, maxWalkMinutes: minutes };
      const inside = expectedOrder(sites, request, NOW);
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(sites.length);
      expect(rankedIds(index, request)).toEqual(inside);
    }
  });

  it('covers the whole circle of customers at the corners of a square', () => {
    const draw = random(3);
    const sites: RoutableSite[] = [];
    for (let i = 0; i < 400; i++)
      sites.push(site(`c${i}`, offset(ORIGIN, (draw() - 0.5) * 3_000, (draw() - 0.5) * 3_000)));
    const index = indexOf(sites);
    const base = {
      lat: Math.floor(ORIGIN.lat / SQUARE_DEGREES),
      lng: Math.floor(ORIGIN.lng / SQUARE_DEGREES),
    };
    for (const [dLat, dLng] of [
      [0, 0],
      [1 - 1e-12, 0],
      [0, 1 - 1e-12],
      [1 - 1e-12, 1 - 1e-12],
      [0.5, 0.5],
    ]) {
      const point = { lat: (base.lat + dLat!) * SQUARE_DEGREES, lng: (base.lng + dLng!) * SQUARE_DEGREES };
      const request = { point, maxWalkMinutes: 15 };
      expect(rankedIds(index, request)).toEqual(expectedOrder(sites, request, NOW));
    }
    expect(SQUARE_REACH_M).toBeGreaterThan(196.6);
  });
});

describe('anywhere on the globe', () => {
  it('no point of a square is farther from its centre than SQUARE_REACH_M less its metre of margin', () => {
    const draw = random(13);
    let farthest = 0;
    for (let i = 0; i < 20_000; i++) {
      const lat = (draw() - 0.5) * 179.99;
      const lng = (draw() - 0.5) * 359.99;
      const base = { lat: Math.floor(lat / SQUARE_DEGREES), lng: Math.floor(lng / SQUARE_DEGREES) };
      const centre = { lat: (base.lat + 0.5) * SQUARE_DEGREES, lng: (base.lng + 0.5) * SQUARE_DEGREES };
      const corner = {
        lat: (base.lat + (i & 1)) * SQUARE_DEGREES,
        lng: (base.lng + ((i >> 1) & 1)) * SQUARE_DEGREES,
      };
      farthest = Math.max(farthest, haversineMeters(centre, corner), haversineMeters(centre, { lat, lng }));
    }
    expect(farthest).toBeLessThanOrEqual(SQUARE_REACH_M - 1);
    expect(farthest).toBeGreaterThan(SQUARE_REACH_M - 1.5);
  });

  it('ranks exactly across the antimeridian, at high latitude and near the equator', () => {
    const draw = random(17);
    let ranked = 0;
    for (const centre of [
      { lat: 10, lng: 179.9995 },
      { lat: -33.9, lng: -179.9998 },
      { lat: 78.2, lng: 15.6 },
      { lat: 0.0001, lng: 0.0001 },
    ]) {
      const sites: RoutableSite[] = [];
      for (let i = 0; i < 300; i++) {
        const at = offset(centre, (draw() - 0.5) * 2_500, (draw() - 0.5) * 2_500);
        sites.push(
          site(`g${i}`, {
            lat: at.lat,
            lng: at.lng > 180 ? at.lng - 360 : at.lng < -180 ? at.lng + 360 : at.lng,
          }),
        );
      }
      const index = indexOf(sites);
      for (let i = 0; i < 40; i++) {
        const at = offset(centre, (draw() - 0.5) * 1_500, (draw() - 0.5) * 1_500);
        const point = {
          lat: at.lat,
          lng: at.lng > 180 ? at.lng - 360 : at.lng < -180 ? at.lng + 360 : at.lng,
        };
        const request = { point, maxWalkMinutes: 5 + Math.floor(draw() * 11) };
        const got = rankedIds(index, request);
        const expected = expectedOrder(sites, request, NOW);
        expect(got === 'none' ? [] : got).toEqual(expected);
        ranked += expected.length;
      }
    }
    expect(ranked).toBeGreaterThan(4 * 40 * 5);
  });
});

describe('no_site_in_radius, no_open_site and changes to sites', () => {
  const customer = { lat: 31.24, lng: 121.48 };
  const request: RoutingRequest = { point: customer, maxWalkMinutes: 15 };
  const view = new MemoryStockView();

  it('no_site_in_radius only when no site of the kind is in the circle, whatever its status', () => {
    const index = indexOf([
      site('far', offset(customer, 2_000, 0)),
      site('p', customer, { kind: 'provider' }),
    ]);
    expect(planRoute(index, request, NOW)).toEqual({ ok: false, reason: 'no_site_in_radius' });
    index.upsert(site('paused', offset(customer, 300, 0), { status: 'paused' }));
    expect(decideInMemory(planRoute(index, request, NOW), view)).toEqual({
      ok: false,
      reason: 'no_open_site',
    });
    index.upsert(site('closed', offset(customer, 200, 0), { isOpen: () => false }));
    expect(decideInMemory(planRoute(index, request, NOW), view)).toEqual({
      ok: false,
      reason: 'no_open_site',
    });
    // Providers: the service type must match too.
    const service = { ...request, serviceType: 'repair' };
    expect(planRoute(index, service, NOW)).toEqual({ ok: false, reason: 'no_site_in_radius' });
    index.upsert(site('p', customer, { kind: 'provider', services: new Set(['repair']) }));
    expect(rankedIds(index, service)).toEqual(['p']);
  });

  it('sees an upsert, a move, a pause and a removal at the next query', () => {
    const index = indexOf([site('a', offset(customer, 500, 0)), site('b', offset(customer, 0, 600))]);
    expect(rankedIds(index, request)).toEqual(['a', 'b']);
    index.upsert(site('c', offset(customer, 50, 0)));
    expect(rankedIds(index, request)).toEqual(['c', 'a', 'b']);
    index.upsert(site('b', offset(customer, 10, 0)));
    expect(rankedIds(index, request)).toEqual(['b', 'c', 'a']);
    index.upsert(site('b', offset(customer, 10, 0), { status: 'paused' }));
    expect(rankedIds(index, request)).toEqual(['c', 'a']);
    index.remove('c');
    expect(rankedIds(index, request)).toEqual(['a']);
    index.upsert(site('a', offset(customer, 5_000, 0)));
    expect(decideInMemory(planRoute(index, request, NOW), view)).toEqual({
      ok: false,
      reason: 'no_open_site',
    });
    index.remove('b');
    expect(planRoute(index, request, NOW)).toEqual({ ok: false, reason: 'no_site_in_radius' });
  });

  it('sees new hours, an unpause and a change of kind in place at the next query', () => {
    const index = indexOf([site('a', offset(customer, 100, 0)), site('b', offset(customer, 200, 0))]);
    expect(rankedIds(index, request)).toEqual(['a', 'b']);
    index.upsert(site('a', offset(customer, 100, 0), { isOpen: () => false }));
    expect(rankedIds(index, request)).toEqual(['b']);
    index.upsert(site('b', offset(customer, 200, 0), { status: 'paused' }));
    expect(decideInMemory(planRoute(index, request, NOW), view)).toEqual({
      ok: false,
      reason: 'no_open_site',
    });
    index.upsert(site('a', offset(customer, 100, 0)));
    index.upsert(site('b', offset(customer, 200, 0)));
    expect(rankedIds(index, request)).toEqual(['a', 'b']);
    index.upsert(site('a', offset(customer, 100, 0), { kind: 'provider', services: new Set(['repair']) }));
    expect(rankedIds(index, request)).toEqual(['b']);
    expect(rankedIds(index, { ...request, serviceType: 'repair' })).toEqual(['a']);
  });

  it('a ranking that started keeps its snapshot while the index changes', () => {
    const index = indexOf([site('a', offset(customer, 100, 0)), site('b', offset(customer, 200, 0))]);
    const plan = planRoute(index, request, NOW);
    if (!plan.ok) throw new Error('expected candidates');
    expect(plan.ranked.next()?.site.id).toBe('a');
    index.remove('b');
    expect(plan.ranked.next()?.site.id).toBe('b');
    expect(rankedIds(index, request)).toEqual(['a']);
  });
});

describe('MemoryStockView', () => {
  it('checks every line against what was last set, with the same rules as before interning', () => {
    const view = new MemoryStockView();
    view.setAvailable('s', 'apple', 3);
    view.setAvailable('s', 'pear', 0);
    view.setAvailable('s', 'plum', -2);
    for (let i = 0; i < 500; i++) view.setAvailable('s', `sku-${i}`, i);
    view.setAvailable('s', 'apple', 5);
    expect(view.availableAt('s', 'apple')).toBe(5);
    expect(view.availableAt('s', 'sku-499')).toBe(499);
    expect(view.availableAt('s', 'unknown')).toBe(0);
    expect(view.hasAll('s', [{ sku: 'apple', quantity: 5 }])).toBe(true);
    expect(view.hasAll('s', [{ sku: 'apple', quantity: 6 }])).toBe(false);
    expect(view.hasAll('s', [{ sku: 'pear', quantity: 1 }])).toBe(false);
    expect(view.hasAll('s', [{ sku: 'pear', quantity: 0 }])).toBe(true);
    expect(view.hasAll('s', [{ sku: 'plum', quantity: 0 }])).toBe(false);
    expect(view.hasAll('s', [{ sku: 'unknown', quantity: 0 }])).toBe(true);
    expect(view.hasAll('s', [{ sku: 'unknown', quantity: 1 }])).toBe(false);
    expect(
      view.hasAll('s', [
        { sku: 'apple', quantity: 2 },
        { sku: 'sku-300', quantity: 300 },
      ]),
    ).toBe(true);
    view.setAvailable('s', 'sku-300', 0);
    expect(view.hasAll('s', [{ sku: 'sku-300', quantity: 1 }])).toBe(false);
    // A site with no stock recorded has nothing, not even zero of something.
    expect(view.hasAll('nobody', [{ sku: 'apple', quantity: 0 }])).toBe(false);
    expect(view.hasAll('nobody', [])).toBe(true);
  });

  it('decideInMemory sees every stock change made between decisions, by slot as by id', () => {
    const draw = random(5);
    const customer = { lat: 31.24, lng: 121.48 };
    const sites = Array.from({ length: 60 }, (_, i) =>
      site(`m${i}`, offset(customer, (draw() - 0.5) * 1_500, (draw() - 0.5) * 1_500)),
    );
    const index = indexOf(sites);
    const view = new MemoryStockView();
    const skus = ['a', 'b', 'c', 'd'];
    // Only half the sites have any stock at first; the others appear later.
    for (const s of sites.slice(0, 30))
      for (const sku of skus) view.setAvailable(s.id, sku, Math.floor(draw() * 3));
    const request = { point: customer, maxWalkMinutes: 15 };
    for (let round = 0; round < 300; round++) {
      const items = skus
        .filter(() => draw() < 0.5)
        .map((sku) => ({ sku, quantity: 1 + Math.floor(draw() * 2) }));
      const decision = decideInMemory(planRoute(index, request, NOW), view, items);
      const nearestWithStock = expectedOrder(sites, request, NOW).find((id) => view.hasAll(id, items));
      expect(decision.ok ? decision.chosen.site.id : undefined).toBe(nearestWithStock);
      const changed = sites[Math.floor(draw() * sites.length)]!;
      view.setAvailable(changed.id, skus[Math.floor(draw() * skus.length)]!, Math.floor(draw() * 4) - 1);
    }
  });

  it('decideInMemory returns the nearest site with room and stock, else why not', () => {
    const customer = { lat: 31.24, lng: 121.48 };
    const index = indexOf([
      site('near', offset(customer, 100, 0)),
      site('mid', offset(customer, 200, 0)),
      site('far', offset(customer, 300, 0)),
    ]);
    const view = new MemoryStockView();
    for (const id of ['near', 'mid', 'far']) view.setAvailable(id, 'milk', 1);
    view.setAvailable('far', 'bread', 1);
    const request = { point: customer, maxWalkMinutes: 15 };
    const decide = (items: { sku: string; quantity: number }[]) =>
      decideInMemory(planRoute(index, request, NOW), view, items);
    const milk = decide([{ sku: 'milk', quantity: 1 }]);
    expect(milk.ok && milk.chosen.site.id).toBe('near');
    expect(milk.ok && milk.chosen.distanceMeters).toBe(haversineMeters(customer, index.get('near')!));
    view.load.set('near', 10);
    const both = decide([
      { sku: 'milk', quantity: 1 },
      { sku: 'bread', quantity: 1 },
    ]);
    expect(both.ok && both.chosen.site.id).toBe('far');
    expect(decide([{ sku: 'milk', quantity: 2 }])).toEqual({ ok: false, reason: 'out_of_stock' });
    for (const id of ['mid', 'far']) view.load.set(id, 10);
    expect(decide([{ sku: 'milk', quantity: 1 }])).toEqual({ ok: false, reason: 'no_open_site' });
  });
});
