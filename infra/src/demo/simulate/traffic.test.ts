import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoCity } from '../city.ts';
import { loadEdinburghCity } from '../edinburgh.ts';
import { busiestAreas, type TrafficPlan, trafficPlan } from './city.ts';
import { haversineMeters, offsetMeters } from './geo.ts';
import { isOpenAt } from './hours.ts';
import { DEFAULT_MIX, type OrderIntent, type OrderKind, trafficGenerator } from './traffic.ts';

/** A Wednesday at noon in Edinburgh: nearly every site is open. */
const WEDNESDAY_NOON = new Date('2026-11-25T12:00:00Z');
/** A Sunday at 03:00: hardly anything is. */
const SUNDAY_NIGHT = new Date('2026-11-22T03:00:00Z');

describe('traffic generator on the Edinburgh demo city', () => {
  let city: DemoCity;
  let plan: TrafficPlan;

  beforeAll(async () => {
    city = await loadEdinburghCity();
    const areas = busiestAreas(city, 4);
    const lockers = areas.map((area) => offsetMeters(area, 40, -30));
    plan = trafficPlan(city, { now: WEDNESDAY_NOON, areas, stores: 12, lockers });
  }, 30_000);

  const draw = (seed: string, count: number, from = plan): OrderIntent[] => {
    const generator = trafficGenerator({ seed, prefix: 'run' });
    return Array.from({ length: count }, () => generator.next(from)!);
  };

  it('plans open stores near the busy areas, with their seeded stock', () => {
    expect(plan.stores).toHaveLength(12);
    expect(plan.providers.length).toBeGreaterThan(0);
    const seeded = new Map(city.stock.map((entry) => [entry.siteId, entry.items]));
    for (const store of plan.stores) {
      expect(store.stock.length).toBeGreaterThan(0);
      expect(store.stock.every((line) => line.onHand > 0)).toBe(true);
      expect(seeded.get(store.id)).toEqual(expect.arrayContaining([...store.stock]));
    }
  });

  it('is deterministic: the same seed gives the same orders, another seed others', () => {
    expect(draw('seed-a', 300)).toEqual(draw('seed-a', 300));
    expect(draw('seed-b', 300)).not.toEqual(draw('seed-a', 300));
  });

  it('follows the mix: delivery 60 %, pickup 20 %, locker 15 %, service 5 %; 10 % priority', () => {
    const orders = draw('mix', 6000);
    const share = (kind: OrderKind) => orders.filter((order) => order.kind === kind).length / orders.length;
    for (const kind of Object.keys(DEFAULT_MIX) as OrderKind[]) {
      expect(Math.abs(share(kind) - DEFAULT_MIX[kind]), kind).toBeLessThan(0.02);
    }
    const priority = orders.filter((order) => order.body.priority !== 'standard').length / orders.length;
    expect(Math.abs(priority - 0.1)).toBeLessThan(0.02);
    expect(new Set(orders.map((order) => order.body.externalId)).size).toBe(orders.length);
  });

  it('asks each store only for SKUs it stocks, 1 to 3 distinct lines, from customers nearby', () => {
    const stores = new Map(plan.stores.map((store) => [store.id, store]));
    const providers = new Map(plan.providers.map((provider) => [provider.id, provider]));
    for (const { kind, homeSiteId, body } of draw('lines', 2000)) {
      if (kind === 'service') {
        const provider = providers.get(homeSiteId)!;
        expect(provider.services).toContain(body.service?.type);
        expect(['visit', 'pickup']).toContain(body.fulfilment);
        expect(haversineMeters(body.customer, provider.location)).toBeLessThanOrEqual(601);
        continue;
      }
      const store = stores.get(homeSiteId)!;
      const stocked = new Set(store.stock.map((line) => line.sku));
      const skus = body.items!.map((line) => line.sku);
      expect(skus.length).toBeGreaterThanOrEqual(1);
      expect(skus.length).toBeLessThanOrEqual(3);
      expect(new Set(skus).size).toBe(skus.length);
      for (const sku of skus) expect(stocked.has(sku), `${sku} at ${store.id}`).toBe(true);
      expect(body.fulfilment).toBe(kind);
      // Locker orders stand near the store's locker (at most 500 m from it), others near the store.
      const reach = kind === 'locker' ? 901 : 601;
      expect(haversineMeters(body.customer, store.location)).toBeLessThanOrEqual(reach);
      if (kind === 'locker') expect(body.parcel).toBeDefined();
    }
  });

  it('at night sends orders only near the few stores open, and no services when no provider is open', () => {
    const night = trafficPlan(city, {
      now: SUNDAY_NIGHT,
      areas: busiestAreas(city, 4),
      stores: 12,
      lockers: [],
    });
    expect(night.providers).toHaveLength(0);
    expect(night.stores.length).toBeGreaterThan(0);
    expect(night.stores.length).toBeLessThan(5);
    const open = new Set(night.stores.map((store) => store.id));
    for (const order of draw('night', 200, night)) {
      expect(order.kind).not.toBe('service');
      expect(open.has(order.homeSiteId)).toBe(true);
    }
  });

  it('reads opening hours as API.md does, past midnight included', () => {
    const late = { timezone: 'Europe/London', openingHours: [{ days: [6], open: '18:00', close: '02:00' }] };
    expect(isOpenAt(late, new Date('2026-11-28T23:30:00Z'))).toBe(true); // Saturday 23:30
    expect(isOpenAt(late, new Date('2026-11-29T01:30:00Z'))).toBe(true); // Sunday 01:30, Saturday's window
    expect(isOpenAt(late, new Date('2026-11-29T02:00:00Z'))).toBe(false);
    expect(isOpenAt({}, SUNDAY_NIGHT)).toBe(true);
  });
});
