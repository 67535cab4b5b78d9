import { loadConfig, workerEnv } from '@quarterhour/config';
import { ManualClock } from '@quarterhour/domain';
import { type Fulfilment, startFulfilment } from '@quarterhour/fulfilment';
import { createQueue, createRedisConnection } from '@quarterhour/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };
const east = (meters: number) => ({
  lat: customer.lat,
  lng: customer.lng + meters / (111_320 * Math.cos((customer.lat * Math.PI) / 180)),
});

/** The intake and a real fulfilment service (BullMQ workers) on one database, Redis prefix and clock. */
describe('fulfilment: couriers and lockers through the public API', () => {
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  let t: TestIntake;
  let fulfilment: Fulfilment;
  let platform: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestIntake({ RATE_LIMIT_PER_SECOND: '100000' }, { clock });
    fulfilment = await startFulfilment(loadConfig(workerEnv, { ...t.env, HEALTH_PORT: '0' }), { clock });
    platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key;
    const hub = storeBody('hub', { location: east(50), acceptance: { mode: 'auto' }, capacity: 1000 });
    const corner = storeBody('corner', {
      location: east(80),
      acceptance: { mode: 'manual', timeoutSeconds: 600 },
    });
    for (const site of [hub, corner]) {
      keys[site.id as string] = (await t.request('POST', '/v1/sites', { body: site })).body.apiKey;
      await t.request('PUT', `/v1/sites/${site.id}/stock`, {
        body: {
          items: [
            { sku: 'milk', onHand: 1000 },
            { sku: 'ice', onHand: 10 },
          ],
        },
      });
    }
  });
  afterAll(async () => {
    await fulfilment?.close();
    await t?.close();
  });

  const act = (id: string, action: string, key: string, body?: unknown) =>
    t.request('POST', `/v1/orders/${id}/${action}`, { key, body });
  const order = async (id: string) => (await t.request('GET', `/v1/orders/${id}`)).body;

  it('50 accepted delivery orders and 10 couriers: one courier at a time, never over capacity, all delivered', async () => {
    const couriers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const made = await t.request('POST', '/v1/couriers', { body: { id: `c-${i}`, vehicle: 'ebike' } });
      expect(made.status).toBe(201);
      keys[`c-${i}`] = made.body.apiKey;
      couriers.push(`c-${i}`);
      await t.request('PUT', `/v1/couriers/c-${i}/location`, {
        key: made.body.apiKey,
        body: east(100 + i * 10),
      });
      await t.request('PUT', `/v1/couriers/c-${i}/status`, {
        key: made.body.apiKey,
        body: { status: 'available' },
      });
    }
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await t.request('POST', '/v1/orders', {
        key: platform,
        body: { externalId: `d-${i}`, customer, items: [{ sku: 'milk', quantity: 1 }] },
      });
      expect(res.body).toMatchObject({ status: 'accepted', site: { id: 'hub' } });
      ids.push(res.body.id);
    }

    const delivered = new Set<string>();
    const deadline = Date.now() + 120_000;
    while (delivered.size < 50) {
      if (Date.now() > deadline) throw new Error(`only ${delivered.size} of 50 delivered`);
      // No courier ever holds more than its capacity (1), and no order has two couriers.
      const held = await t.db.sql<{ courier_id: string; n: number }[]>`
        select courier_id, count(*)::int as n from orders
        where courier_id is not null and status in ('courier_assigned', 'picked_up') group by courier_id`;
      for (const row of held) expect(row.n, `courier ${row.courier_id}`).toBeLessThanOrEqual(1);
      let acted = false;
      for (const courier of couriers) {
        const work = await t.request('GET', `/v1/couriers/${courier}/orders`, { key: keys[courier] });
        expect(work.body.orders.length).toBeLessThanOrEqual(1);
        for (const o of work.body.orders) {
          expect((await act(o.id, 'pickup', keys[courier]!)).body.status).toBe('picked_up');
          // Another courier may not deliver it.
          const other = couriers.find((c) => c !== courier)!;
          expect([403, 404]).toContain((await act(o.id, 'deliver', keys[other]!)).status);
          expect((await act(o.id, 'deliver', keys[courier]!)).body.status).toBe('delivered');
          delivered.add(o.id);
          acted = true;
        }
      }
      if (!acted) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect([...delivered].sort()).toEqual([...ids].sort());
    const sample = await order(ids[0]!);
    const types = sample.events.map((e: { type: string }) => e.type);
    expect(types.slice(0, 2)).toEqual(['assigned', 'accepted']);
    expect(types).toContain('courier_assigned');
    expect(types.slice(-2)).toEqual(['picked_up', 'delivered']);
    // Handover committed the stock: 50 units left the shelf and nothing stays reserved.
    const stock = (await t.request('GET', '/v1/sites/hub/stock?sku=milk')).body.items[0];
    expect(stock).toEqual({ sku: 'milk', onHand: 950, reserved: 0, available: 950 });
  });

  it('lockers: the last compartment goes to one order, the other falls back to delivery', async () => {
    // The manual corner shop takes the locker orders from here on.
    await t.request('PATCH', '/v1/sites/hub', { body: { status: 'paused' } });
    const made = await t.request('POST', '/v1/lockers', {
      body: {
        id: 'L-1',
        location: east(120),
        compartments: [{ size: 'M', temperature: 'frozen', count: 1 }],
        holdHours: 24,
      },
    });
    expect(made.status).toBe(201);
    keys['L-1'] = made.body.apiKey;
    const place = async (externalId: string) =>
      (
        await t.request('POST', '/v1/orders', {
          key: platform,
          body: {
            externalId,
            customer,
            items: [{ sku: 'ice', quantity: 2 }],
            fulfilment: 'locker',
            parcel: { size: 'S', temperature: 'frozen' },
            maxWalkMinutes: 2,
          },
        })
      ).body;
    const a = await place('lk-a');
    const b = await place('lk-b');
    expect([a.site.id, b.site.id]).toEqual(['corner', 'corner']);
    const [ra, rb] = await Promise.all([
      act(a.id, 'accept', keys.corner!),
      act(b.id, 'accept', keys.corner!),
    ]);
    const results = [ra.body, rb.body];
    const winner = results.find((o) => o.status === 'locker_reserved');
    const loser = results.find((o) => o.status === 'accepted');
    expect(winner).toBeDefined();
    expect(loser).toMatchObject({ fulfilment: 'delivery' });
    expect((await order(loser.id)).events.map((e: { type: string }) => e.type)).toContain(
      'fulfilment_changed',
    );
    await act(loser.id, 'cancel', platform);

    // The platform reads the code; the site does not.
    const asPlatform = await t.request('GET', `/v1/orders/${winner.id}`, { key: platform });
    const code = asPlatform.body.locker.pickupCode as string;
    expect(code).toMatch(/^\d{6}$/);
    expect(
      (await t.request('GET', `/v1/orders/${winner.id}`, { key: keys.corner! })).body.locker.pickupCode,
    ).toBeUndefined();

    // Collecting before the deposit is refused; the deposit is the handover.
    expect(
      (await t.request('POST', '/v1/lockers/L-1/collect', { key: keys['L-1'], body: { code } })).status,
    ).toBe(409);
    expect((await act(winner.id, 'deposit', keys.corner!)).body.status).toBe('ready_for_pickup');
    const ice = (await t.request('GET', '/v1/sites/corner/stock?sku=ice')).body.items[0];
    expect(ice).toEqual({ sku: 'ice', onHand: 8, reserved: 0, available: 8 });

    // Five wrong codes lock the locker's collect for 15 minutes, even for the right code.
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      const res = await t.request('POST', '/v1/lockers/L-1/collect', {
        key: keys['L-1'],
        body: { code: wrong },
      });
      expect(res.status).toBe(404);
    }
    // The fifth wrong code is refused and locks the locker.
    const fifth = await t.request('POST', '/v1/lockers/L-1/collect', {
      key: keys['L-1'],
      body: { code: wrong },
    });
    expect([404, 429]).toContain(fifth.status);
    const locked = await t.request('POST', '/v1/lockers/L-1/collect', { key: keys['L-1'], body: { code } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(15 * 60_000 + 1000);
    const collected = await t.request('POST', '/v1/lockers/L-1/collect', {
      key: keys['L-1'],
      body: { code },
    });
    expect(collected.status).toBe(200);
    expect(collected.body.status).toBe('collected');
    const lockerState = await t.request('GET', '/v1/lockers/L-1');
    expect(JSON.stringify(lockerState.body)).not.toContain(code);
  });

  it('a parcel not collected within the hold time expires: compartment freed, stock back at the site', async () => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: {
        externalId: 'lk-exp',
        customer,
        items: [{ sku: 'ice', quantity: 3 }],
        fulfilment: 'locker',
        parcel: { size: 'M', temperature: 'frozen' },
        maxWalkMinutes: 2,
      },
    });
    await act(res.body.id, 'accept', keys.corner!);
    expect((await act(res.body.id, 'deposit', keys.corner!)).body.status).toBe('ready_for_pickup');
    expect((await t.request('GET', '/v1/sites/corner/stock?sku=ice')).body.items[0].onHand).toBe(5);

    clock.advance(24 * 3_600_000 + 1000);
    const connection = createRedisConnection(t.redis.url, { role: 'client' });
    const queue = createQueue('fulfilment', { connection, redisPrefix: t.env.REDIS_PREFIX! });
    for (const job of await queue.queue.getDelayed()) await job.promote();
    await queue.close();
    connection.disconnect();

    await expect.poll(async () => (await order(res.body.id)).status, { timeout: 15_000 }).toBe('expired');
    const events = (await order(res.body.id)).events.map((e: { type: string }) => e.type);
    expect(events.slice(-2)).toEqual(['expired', 'return_to_site']);
    expect((await t.request('GET', '/v1/sites/corner/stock?sku=ice')).body.items[0]).toEqual({
      sku: 'ice',
      onHand: 8,
      reserved: 0,
      available: 8,
    });
    const locker = await t.request('GET', '/v1/lockers/L-1');
    expect(JSON.stringify(locker.body)).not.toMatch(/occupied|reserved/);
  });

  it('a locker order at an auto site takes its compartment right after it is accepted', async () => {
    await t.request('PATCH', '/v1/sites/hub', { body: { status: 'open' } });
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: {
        externalId: 'lk-auto',
        customer,
        items: [{ sku: 'ice', quantity: 1 }],
        fulfilment: 'locker',
        parcel: { size: 'S', temperature: 'frozen' },
        maxWalkMinutes: 2,
      },
    });
    expect(res.body).toMatchObject({ status: 'accepted', site: { id: 'hub' } });
    await expect
      .poll(async () => (await order(res.body.id)).status, { timeout: 10_000 })
      .toBe('locker_reserved');
    expect((await order(res.body.id)).locker).toMatchObject({ id: 'L-1', state: 'reserved' });
  });
});
