import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, workerEnv } from '@quarterhour/config';
import { type Fulfilment, startFulfilment } from '@quarterhour/fulfilment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, type TestIntake } from '../../../../services/intake/src/test-support.ts';
import type { SimCity, SimSite } from './city.ts';
import { offsetMeters } from './geo.ts';
import type { DemoKeys } from './keys.ts';
import type { Timings } from './options.ts';
import { startSimulation } from './simulation.ts';

const centre = { lat: 55.9445, lng: -3.1875 };
const SKUS = [
  'milk-semi-skimmed-1l',
  'bread-white-800g',
  'eggs-free-range-6',
  'bananas-5-pack',
  'tea-bags-80',
  'peas-frozen-900g',
  'ice-cream-vanilla-900ml',
];
/** A tiny city: a chain store that accepts on assignment, two that accept by hand, a barber. */
const SITES: (SimSite & { acceptance: object; formats: string[] })[] = [
  {
    id: 'hub',
    kind: 'store',
    formats: ['supermarket'],
    acceptance: { mode: 'auto' },
    location: offsetMeters(centre, 0, 60),
  },
  {
    id: 'corner',
    kind: 'store',
    formats: ['convenience'],
    acceptance: { mode: 'manual', timeoutSeconds: 600 },
    location: offsetMeters(centre, -80, 0),
  },
  {
    id: 'deli',
    kind: 'store',
    formats: ['convenience'],
    acceptance: { mode: 'manual', timeoutSeconds: 600 },
    location: offsetMeters(centre, 100, 100),
  },
  {
    id: 'barber',
    kind: 'provider',
    formats: ['barber'],
    acceptance: { mode: 'manual', timeoutSeconds: 600 },
    location: offsetMeters(centre, -50, 50),
    services: ['haircut'],
  },
];
const CITY: SimCity = {
  sites: SITES,
  stock: SITES.filter((site) => site.kind === 'store').map((site) => ({
    siteId: site.id,
    items: SKUS.map((sku) => ({ sku, onHand: 500 })),
  })),
};
/** Every wait short, so a few seconds show the whole life of many orders. */
const QUICK: Partial<Timings> = {
  tickMs: 200,
  accept: [50, 150],
  ready: [50, 150],
  collect: [50, 150],
  deposit: [50, 150],
  lockerCollect: [50, 200],
  complete: [100, 300],
  toSite: [100, 300],
  toCustomer: [100, 300],
  staleMs: 2000,
  stuckMs: 2000,
  statusEveryMs: 2000,
};

describe('demo simulation against a real intake and fulfilment service', () => {
  let t: TestIntake;
  let fulfilment: Fulfilment;
  let folder: string;

  beforeAll(async () => {
    t = await startTestIntake({ RATE_LIMIT_PER_SECOND: '100000' });
    fulfilment = await startFulfilment(loadConfig(workerEnv, { ...t.env, HEALTH_PORT: '0' }));
    for (const { services, ...site } of SITES) {
      const body = {
        ...site,
        name: `Tiny ${site.id}`,
        timezone: 'Europe/London',
        capacity: 200,
        services: services ?? [],
      };
      expect((await t.request('POST', '/v1/sites', { body })).status).toBe(201);
    }
    for (const { siteId, items } of CITY.stock) {
      expect((await t.request('PUT', `/v1/sites/${siteId}/stock`, { body: { items } })).status).toBe(200);
    }
    folder = await mkdtemp(join(tmpdir(), 'qh-sim-'));
  }, 60_000);
  afterAll(async () => {
    await fulfilment?.close();
    await t?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const statuses = async () => {
    const rows = await t.db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from orders group by status`;
    return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Record<string, number>;
  };

  it('carries orders to delivered and collected (at the store and at the locker), then stops', async () => {
    const lines: string[] = [];
    const keysFile = join(folder, 'demo-keys.json');
    const simulation = startSimulation({
      baseUrl: t.url,
      opsKey: t.opsKey,
      city: CITY,
      rate: 5,
      seed: 'integration',
      couriers: 4,
      lockers: 1,
      stores: 3,
      keysFile,
      timings: QUICK,
      behaviour: { ignoreShare: 0, declineShare: 0.1 },
      log: (line) => lines.push(line),
    });
    const lockerCollected = async () =>
      (
        await t.db.sql<{ n: number }[]>`
        select count(*)::int as n from orders where status = 'collected' and locker_id is not null`
      )[0]!.n;
    await expect
      .poll(
        async () => {
          const seen = await statuses();
          return (seen.delivered ?? 0) > 0 && (seen.collected ?? 0) > 0 && (await lockerCollected()) > 0;
        },
        { timeout: 25_000, interval: 500 },
      )
      .toBe(true);

    await simulation.stop();
    // Stopped means stopped: no order is placed afterwards.
    const placed = (await t.db.sql<{ n: number }[]>`select count(*)::int as n from orders`)[0]!.n;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await t.db.sql<{ n: number }[]>`select count(*)::int as n from orders`)[0]!.n).toBe(placed);
    // What it saw is reported in its last line (its own counts may trail the database's
    // by the orders it had not yet re-read when it stopped; the database is the truth above).
    expect(lines.at(-1)).toMatch(/^simulation stopped: \d+ orders — \d+ delivered, \d+ collected/);

    // Its couriers went offline, and nothing it did crashed the API.
    const keys = JSON.parse(await readFile(keysFile, 'utf8')) as DemoKeys;
    const couriers = Object.values(keys.couriers);
    expect(couriers).toHaveLength(4);
    for (const courier of couriers) {
      expect((await t.request('GET', `/v1/couriers/${courier.id}`)).body.status).toBe('offline');
    }
    expect(lines.filter((line) => / → 5\d\d /.test(line))).toEqual([]);
  }, 60_000);

  it('sets up again on the same city with the kept keys: no new couriers, lockers or keys', async () => {
    const keysFile = join(folder, 'demo-keys.json');
    const before = await readFile(keysFile, 'utf8');
    const lines: string[] = [];
    const again = startSimulation({
      baseUrl: t.url,
      opsKey: t.opsKey,
      city: CITY,
      rate: 2,
      couriers: 4,
      lockers: 1,
      stores: 3,
      keysFile,
      durationMs: 1500,
      timings: QUICK,
      log: (line) => lines.push(line),
    });
    await again.done;
    const after = JSON.parse(await readFile(keysFile, 'utf8')) as DemoKeys;
    const first = JSON.parse(before) as DemoKeys;
    expect(after.platform).toBe(first.platform);
    expect(after.couriers).toEqual(first.couriers);
    expect(after.lockers).toEqual(first.lockers);
    const [row] = await t.db.sql<{ n: number }[]>`select count(*)::int as n from couriers`;
    expect(row?.n).toBe(4);
    expect(lines.at(-1)).toMatch(/^simulation stopped: /);
  }, 30_000);
});
