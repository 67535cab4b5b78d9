import { clientId, orderCreate, siteCreate, sku } from '@quarterhour/domain';
import { haversineMeters } from '@quarterhour/geo';
import { describe, expect, it } from 'vitest';
import { spread } from './bench/timing.ts';
import { BENCH_CITY, type CityOptions, generateCity, STOCK_ON_HAND } from './city.ts';

const SMALL: CityOptions = { ...BENCH_CITY, stores: 1_000, orders: 2_000, sizeKm: 8, clusters: 6 };

describe('generateCity', () => {
  it('builds the same city from the same seed', () => {
    expect(generateCity(SMALL)).toEqual(generateCity(SMALL));
  });

  it('builds another city from another seed', () => {
    const other = generateCity({ ...SMALL, seed: 'another' });
    expect(other.sites.map((site) => site.location)).not.toEqual(
      generateCity(SMALL).sites.map((site) => site.location),
    );
  });

  it('keeps the stores when only the number of orders changes', () => {
    const fewer = generateCity({ ...SMALL, orders: 10 });
    expect(fewer.sites).toEqual(generateCity(SMALL).sites);
    expect(fewer.orders).toEqual(generateCity(SMALL).orders.slice(0, 10));
  });

  describe('the benchmark city', () => {
    const city = generateCity(BENCH_CITY);

    it('has 20,000 stores inside the 30 × 30 km box around the centre', () => {
      expect(city.sites).toHaveLength(20_000);
      const { centre } = BENCH_CITY;
      const outside = city.sites.filter(({ location: { lat, lng } }) => {
        const { minLat, maxLat, minLng, maxLng } = city.bounds;
        return lat < minLat || lat > maxLat || lng < minLng || lng > maxLng;
      });
      expect(outside).toEqual([]);
      // The box is 30 km a side: its corners are 15·√2 km from the centre.
      const corner = { lat: city.bounds.maxLat, lng: city.bounds.maxLng };
      expect(haversineMeters(centre, { lat: corner.lat, lng: centre.lng })).toBeCloseTo(15_000, -1);
      expect(haversineMeters(centre, { lat: centre.lat, lng: corner.lng })).toBeCloseTo(15_000, -1);
    });

    it('clusters stores: the densest square kilometre holds far more than the average', () => {
      const perCell = new Map<string, number>();
      for (const site of city.sites) {
        const key = `${Math.floor(site.location.lat * 111)}:${Math.floor(site.location.lng * 95)}`;
        perCell.set(key, (perCell.get(key) ?? 0) + 1);
      }
      expect(Math.max(...perCell.values())).toBeGreaterThan((20_000 / 900) * 5);
    });

    it('stocks about 300 of 2,000 SKUs per store, popular SKUs more often', () => {
      expect(city.catalogue).toHaveLength(2_000);
      const sizes = city.stock.map((skus) => skus.length);
      const mean = sizes.reduce((sum, n) => sum + n, 0) / sizes.length;
      expect(mean).toBeGreaterThan(290);
      expect(mean).toBeLessThan(310);
      expect(Math.min(...sizes)).toBeGreaterThan(200);
      expect(Math.max(...sizes)).toBeLessThan(400);
      const stocking = new Array<number>(2_000).fill(0);
      for (const skus of city.stock) for (const index of skus) stocking[index]! += 1;
      expect(stocking[0]).toBe(20_000);
      expect(stocking[10]!).toBeGreaterThan(stocking[500]!);
      expect(stocking[500]!).toBeGreaterThan(stocking[1_999]!);
      expect(stocking[1_999]!).toBeGreaterThan(0);
      for (const skus of city.stock.slice(0, 100)) expect([...skus]).toEqual([...skus].sort((a, b) => a - b));
      expect(STOCK_ON_HAND).toBeLessThanOrEqual(1_000_000);
    });

    it('has 100,000 orders of 1 to 5 distinct lines, popular SKUs more likely', () => {
      expect(city.orders).toHaveLength(100_000);
      const counts = new Map<string, number>();
      const malformed = city.orders.filter((order) => {
        const lines = order.items.length;
        const distinct = new Set(order.items.map((item) => item.sku)).size === lines;
        return lines < 1 || lines > 5 || !distinct || ![5, 10, 15].includes(order.maxWalkMinutes);
      });
      expect(malformed).toEqual([]);
      for (const order of city.orders) {
        for (const item of order.items) counts.set(item.sku, (counts.get(item.sku) ?? 0) + 1);
      }
      expect(counts.get(city.catalogue[0]!)!).toBeGreaterThan((counts.get(city.catalogue[100]!) ?? 0) * 10);
      expect(new Set(city.orders.map((order) => order.items.length)).size).toBe(5);
    });

    it('makes ids and bodies the API accepts', () => {
      const valid = (schema: typeof clientId, ids: string[]) =>
        ids.filter((id) => !schema.safeParse(id).success);
      expect(
        valid(
          clientId,
          city.sites.map((site) => site.id),
        ),
      ).toEqual([]);
      expect(new Set(city.sites.map((site) => site.id)).size).toBe(city.sites.length);
      expect(valid(sku, city.catalogue)).toEqual([]);
      expect(
        valid(
          clientId,
          city.orders.map((order) => order.externalId),
        ),
      ).toEqual([]);
      expect(new Set(city.orders.map((order) => order.externalId)).size).toBe(city.orders.length);
      for (const site of spread(city.sites, 500)) expect(siteCreate.safeParse(site).error).toBeUndefined();
      for (const order of spread(city.orders, 500))
        expect(orderCreate.safeParse(order).error).toBeUndefined();
    });

    it('pauses a few stores, all in one time zone, with varied hours', () => {
      const paused = city.sites.filter((site) => site.status === 'paused').length;
      expect(paused).toBeGreaterThan(400);
      expect(paused).toBeLessThan(1_200);
      expect(new Set(city.sites.map((site) => site.timezone))).toEqual(new Set(['Asia/Shanghai']));
      const profiles = new Set(city.sites.map((site) => JSON.stringify(site.openingHours ?? null)));
      expect(profiles.size).toBeGreaterThanOrEqual(6);
    });
  });
});
