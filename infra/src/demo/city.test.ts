import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDemoCity, type DemoCity } from './city.ts';
import { readEdinburghShops } from './edinburgh.ts';
import { parseOpeningHours } from './hours.ts';
import type { OsmRow } from './osm.ts';

/** The site rules of API.md (`POST /v1/sites`), written out independently of the builder. */
const FORMATS = [
  'convenience',
  'supermarket',
  'fresh_market',
  'breakfast',
  'restaurant',
  'bakery',
  'fruit',
  'pharmacy',
  'repair',
  'housekeeping',
  'laundry',
  'tailoring',
  'barber',
  'parcel_station',
  'elderly_care',
  'childcare',
  'fitness',
  'bookstore',
] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const unique = <T>(list: T[]) => new Set(list).size === list.length;
const siteBody = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(['store', 'provider']),
    formats: z.array(z.enum(FORMATS)).min(1).refine(unique),
    chain: z.boolean(),
    location: z.object({
      lat: z.number().finite().min(-90).max(90),
      lng: z.number().finite().min(-180).max(180),
    }),
    timezone: z.literal('Europe/London'),
    openingHours: z
      .array(
        z.object({
          days: z.array(z.number().int().min(0).max(6)).min(1).refine(unique),
          open: hhmm,
          close: z.union([hhmm, z.literal('24:00')]),
        }),
      )
      .min(1),
    capacity: z.number().int().min(1),
    acceptance: z.union([
      z.object({ mode: z.literal('auto') }).strict(),
      z.object({ mode: z.literal('manual'), timeoutSeconds: z.number().int().min(10).max(3600) }).strict(),
    ]),
    services: z.array(z.string().regex(/^[a-z0-9_.-]{1,64}$/)).refine(unique),
  })
  .strict()
  .refine((site) => (site.kind === 'provider' ? site.services.length > 0 : site.services.length === 0), {
    message: 'providers offer services, stores none',
  });
const stockLine = z.object({
  sku: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
  onHand: z.number().int().min(0).max(200),
});

/** Free text in the extract that no opening_hours parser should pretend to understand. */
const FREE_TEXT_HOURS = ['10am - 4pm, Monday - Friday.', '9-5pm, Monday-Saturday', 'As per garden'];

let rows: OsmRow[];
let city: DemoCity;

beforeAll(async () => {
  rows = await readEdinburghShops();
  city = buildDemoCity(rows);
});

describe('the Edinburgh demo city', () => {
  it('reads every row of the extract', () => {
    expect(rows).toHaveLength(3233);
    expect(city.report.rows).toBe(3233);
  });

  it('makes a valid API site body of every mapped row', () => {
    const failures = city.sites
      .map((site) => ({ id: site.id, result: siteBody.safeParse(site) }))
      .filter(({ result }) => !result.success)
      .map(({ id, result }) => `${id}: ${result.error?.message}`);
    expect(failures).toEqual([]);
    expect(unique(city.sites.map((site) => site.id))).toBe(true);
  });

  it('counts sites, skipped rows and hours as docs/DEMO-CITY.md quotes them', () => {
    const { skippedTags: _tags, ...report } = city.report;
    expect(report).toEqual({
      rows: 3233,
      sites: 1449,
      stores: 634,
      providers: 815,
      chains: 251,
      skipped: 1784,
      skippedByReason: { unmapped: 1784, bad_id: 0, bad_location: 0, duplicate_id: 0 },
      sitesByFormat: {
        convenience: 357,
        supermarket: 59,
        fresh_market: 84,
        breakfast: 11,
        restaurant: 2,
        bakery: 79,
        fruit: 20,
        pharmacy: 14,
        repair: 236,
        housekeeping: 0,
        laundry: 44,
        tailoring: 28,
        barber: 507,
        parcel_station: 2,
        elderly_care: 0,
        childcare: 0,
        fitness: 0,
        bookstore: 34,
      },
      hours: { osm: 158, unparseable: 1, missing: 1290 },
      stockLines: report.stockLines,
    });
    expect(report.sites + report.skipped).toBe(report.rows);
  });

  it('reads every opening_hours value of the extract but the free-text ones', () => {
    const values = new Set(rows.map((row) => row.opening_hours ?? '').filter((value) => value !== ''));
    expect(values.size).toBeGreaterThan(150);
    const refused = [...values].filter((value) => !parseOpeningHours(value).ok);
    expect(refused.sort()).toEqual([...FREE_TEXT_HOURS].sort());
  });

  it('stocks every store with 40 to 300 valid lines, and no provider', () => {
    const stores = city.sites.filter((site) => site.kind === 'store').map((site) => site.id);
    expect(city.stock.map((entry) => entry.siteId)).toEqual(stores);
    for (const { items } of city.stock) {
      expect(items.length).toBeGreaterThanOrEqual(40);
      expect(items.length).toBeLessThanOrEqual(300);
      expect(z.array(stockLine).safeParse(items).success).toBe(true);
    }
    expect(city.report.stockLines).toBe(city.stock.reduce((sum, entry) => sum + entry.items.length, 0));
  });

  it('builds the same city from the same seed, and other stock from another', () => {
    expect(buildDemoCity(rows)).toEqual(city);
    const other = buildDemoCity(rows, { seed: 'another' });
    expect(other.sites).toEqual(city.sites);
    expect(other.stock).not.toEqual(city.stock);
  });

  it('skips a repeated id once, counting it', () => {
    const first = rows.find((row) => row.shop === 'bakery')!;
    const { report } = buildDemoCity([first, first]);
    expect(report).toMatchObject({ sites: 1, skipped: 1, skippedByReason: { duplicate_id: 1 } });
  });
});
