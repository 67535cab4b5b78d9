import { describe, expect, it } from 'vitest';
import { bruteForceRoute } from './brute-force.ts';
import { BENCH_CITY, type CityOptions, generateCity } from './city.ts';
import {
  buildSiteIndex,
  buildStockView,
  choiceOf,
  DEFAULT_CIRCLE,
  oracleStock,
  routeInMemory,
} from './memory-city.ts';
import { seededRandom } from './random.ts';

/** About the benchmark city's density, on a tenth of its area. */
const SMALL: CityOptions = { ...BENCH_CITY, stores: 2_000, orders: 3_000, sizeKm: 10, clusters: 9 };

/** Shanghai wall-clock instants (UTC+8) that each test a rule of the opening hours. */
const INSTANTS = [
  { at: '2025-06-11T11:30:00Z', why: 'Wednesday 19:30: breakfast places closed' },
  { at: '2025-06-13T17:30:00Z', why: 'Saturday 01:30: overnight windows opened on Friday' },
  { at: '2025-06-15T01:59:00Z', why: 'Sunday 09:59: the Sunday window opens at 10:00' },
  { at: '2025-06-16T02:30:00Z', why: 'Monday 10:30: a close is exclusive' },
  { at: '2025-06-14T16:00:00Z', why: 'Sunday 00:00: weekday all-day windows have ended' },
];

describe('planRoute + decideInMemory against brute force', () => {
  const city = generateCity(SMALL);
  const index = buildSiteIndex(city);
  const view = buildStockView(city);
  const stock = oracleStock(city);
  // Some stores at capacity, so that "no open site" also comes from load.
  const random = seededRandom('full-stores');
  for (const site of city.sites) {
    if (!random.chance(0.05)) continue;
    view.load.set(site.id, site.capacity);
    stock.setLoad(site.id, site.capacity);
  }

  it.each(INSTANTS)('agrees on every order at $why', ({ at }) => {
    const now = new Date(at);
    const outcomes = new Map<string, number>();
    const disagreements: string[] = [];
    for (const order of city.orders) {
      const indexed = choiceOf(routeInMemory(index, view, order, now));
      const brute = choiceOf(bruteForceRoute(city.sites, stock, order, now, DEFAULT_CIRCLE));
      const outcome = indexed.startsWith('unroutable:') ? indexed : 'routed';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (indexed !== brute) disagreements.push(`${order.externalId}: ${indexed} vs ${brute}`);
    }
    expect(disagreements).toEqual([]);
    // The sample exercises every outcome, or agreement would prove little.
    expect(outcomes.get('routed')).toBeGreaterThan(1_000);
    expect(outcomes.get('unroutable:out_of_stock')).toBeGreaterThan(0);
    expect(outcomes.get('unroutable:no_site_in_radius')).toBeGreaterThan(0);
  });

  it('finds no open site where every store in the circle is closed or full', () => {
    const now = new Date(INSTANTS[0]!.at);
    for (const site of city.sites) {
      view.load.set(site.id, site.capacity);
      stock.setLoad(site.id, site.capacity);
    }
    try {
      const order = city.orders.find(
        (o) => !choiceOf(routeInMemory(index, view, o, now)).endsWith('radius'),
      )!;
      expect(choiceOf(routeInMemory(index, view, order, now))).toBe('unroutable:no_open_site');
      expect(choiceOf(bruteForceRoute(city.sites, stock, order, now, DEFAULT_CIRCLE))).toBe(
        'unroutable:no_open_site',
      );
    } finally {
      view.load.clear();
      for (const site of city.sites) stock.setLoad(site.id, 0);
    }
  });
});
