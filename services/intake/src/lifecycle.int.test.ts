import { loadConfig as loadSettings, workerEnv } from '@quarterhour/config';
import { type Dispatcher, startDispatcher } from '@quarterhour/dispatcher';
import { ManualClock } from '@quarterhour/domain';
import type { StatusChange } from '@quarterhour/lifecycle';
import { createQueue, createRedisConnection } from '@quarterhour/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };
const east = (meters: number) => ({
  lat: customer.lat,
  lng: customer.lng + meters / (111_320 * Math.cos((customer.lat * Math.PI) / 180)),
});

describe('the life of an order', () => {
  const clock = new ManualClock('2026-11-23T10:00:00Z');
  const changes: StatusChange[] = [];
  let t: TestIntake;
  let dispatcher: Dispatcher;
  let platform: string;
  let otherPlatform: string;
  const keys: Record<string, string> = {};

  const recorder = { record: async (_tx: unknown, change: StatusChange) => void changes.push(change) };

  beforeAll(async () => {
    t = await startTestIntake({}, { clock, listeners: [recorder] });
    dispatcher = await startDispatcher(loadSettings(workerEnv, { ...t.env, HEALTH_PORT: '0' }), {
      clock,
      listeners: [recorder],
    });
    platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'app' } })).body
      .key;
    otherPlatform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'other' } }))
      .body.key;
    const sites = [
      storeBody('a', { location: east(100), acceptance: { mode: 'manual', timeoutSeconds: 60 } }),
      storeBody('b', { location: east(200), acceptance: { mode: 'manual', timeoutSeconds: 60 } }),
      storeBody('c', { location: east(300), acceptance: { mode: 'manual', timeoutSeconds: 60 } }),
      storeBody('far', { location: { lat: 40, lng: 116 } }),
      {
        ...storeBody('fixer', { location: east(150) }),
        kind: 'provider',
        formats: ['repair'],
        services: ['keys'],
      },
    ];
    for (const site of sites) {
      keys[site.id as string] = (await t.request('POST', '/v1/sites', { body: site })).body.apiKey;
      if (site.kind === 'store') {
        await t.request('PUT', `/v1/sites/${site.id}/stock`, {
          body: { items: [{ sku: 'milk', onHand: 100 }] },
        });
      }
    }
  });
  afterAll(async () => {
    await dispatcher?.close();
    await t?.close();
  });

  let n = 0;
  const place = async (extra: Record<string, unknown> = {}) => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: `o-${n++}`, customer, items: [{ sku: 'milk', quantity: 2 }], ...extra },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; site: { id: string }; status: string };
  };
  const stock = async (siteId: string) =>
    (await t.request('GET', `/v1/sites/${siteId}/stock?sku=milk`)).body.items[0];
  const load = async (siteId: string) =>
    Number((await t.redis.redis.get(`${t.redis.prefix}:load:${siteId}`)) ?? 0);
  const act = (id: string, action: string, key: string, body?: unknown) =>
    t.request('POST', `/v1/orders/${id}/${action}`, { key, body });
  const events = async (id: string) =>
    (await t.request('GET', `/v1/orders/${id}`)).body.events.map((e: { type: string }) => e.type);

  /** Moves the clock past the deadline and fires the dispatcher's delayed timer at once. */
  async function passDeadline(seconds: number) {
    clock.advance(seconds * 1000);
    const connection = createRedisConnection(t.redis.url, { role: 'client' });
    const queue = createQueue('acceptance', { connection, redisPrefix: t.env.REDIS_PREFIX! });
    for (const job of await queue.queue.getDelayed()) await job.promote();
    await queue.close();
    connection.disconnect();
  }

  it('declined, then timed out, then accepted: never back, stock where the order is', async () => {
    const order = await place();
    expect(order.site.id).toBe('a');
    expect((await stock('a')).reserved).toBe(2);

    const declined = await act(order.id, 'decline', keys.a!, { reason: 'no milk crates' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'assigned', site: { id: 'b' } });
    expect((await stock('a')).reserved).toBe(0);
    expect((await stock('b')).reserved).toBe(2);

    await passDeadline(61);
    await expect.poll(async () => (await t.request('GET', `/v1/orders/${order.id}`)).body.site?.id).toBe('c');
    expect((await stock('b')).reserved).toBe(0);
    expect((await stock('c')).reserved).toBe(2);

    // The site that let it time out is late: 409, and it no longer sees the order.
    expect((await act(order.id, 'accept', keys.b!)).status).toBe(409);
    expect((await t.request('GET', `/v1/orders/${order.id}`, { key: keys.b! })).status).toBe(404);

    const accepted = await act(order.id, 'accept', keys.c!);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    expect(await events(order.id)).toEqual([
      'assigned',
      'declined',
      'rerouted',
      'acceptance_timed_out',
      'rerouted',
      'accepted',
    ]);
    expect([await load('a'), await load('b'), await load('c')]).toEqual([0, 0, 1]);
    const read = await t.request('GET', `/v1/orders/${order.id}`);
    const rerouted = read.body.events.filter((e: { type: string }) => e.type === 'rerouted');
    expect(
      rerouted.map((e: { data: { fromSiteId: string; toSiteId: string } }) => [
        e.data.fromSiteId,
        e.data.toSiteId,
      ]),
    ).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
    // Every status change reached the listeners, in order.
    expect(changes.filter((c) => c.orderId === order.id).map((c) => c.status)).toEqual([
      'assigned',
      'assigned',
      'assigned',
      'accepted',
    ]);
    await act(order.id, 'cancel', platform);
  });

  it('becomes unroutable with all_declined when every site in the circle declined', async () => {
    const order = await place({ maxWalkMinutes: 5 });
    expect(order.site.id).toBe('a');
    await act(order.id, 'decline', keys.a!);
    await act(order.id, 'decline', keys.b!);
    const last = await act(order.id, 'decline', keys.c!);
    expect(last.body).toMatchObject({ status: 'unroutable', unroutableReason: 'all_declined' });
    for (const site of ['a', 'b', 'c']) expect((await stock(site)).reserved).toBe(0);
    expect([await load('a'), await load('b'), await load('c')]).toEqual([0, 0, 0]);
  });

  it('a timer of an order that moved on does nothing', async () => {
    const order = await place();
    await act(order.id, 'accept', keys.a!);
    expect(await dispatcher.lifecycle.timeout(order.id, 'a', 1)).toBe('stale');
    expect((await t.request('GET', `/v1/orders/${order.id}`)).body.status).toBe('accepted');
    await act(order.id, 'cancel', platform);
  });

  it('accept racing the timeout at the deadline: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const order = await place();
      clock.advance(60_000); // exactly at the deadline: both may act, only one can
      const [accept, timeout] = await Promise.allSettled([
        act(order.id, 'accept', keys.a!),
        dispatcher.lifecycle.timeout(order.id, 'a', 1),
      ]);
      const accepted = accept.status === 'fulfilled' && accept.value.status === 200;
      const rerouted = timeout.status === 'fulfilled' && timeout.value === 'rerouted';
      expect(accepted !== rerouted, `round ${round}`).toBe(true);
      const final = (await t.request('GET', `/v1/orders/${order.id}`)).body;
      expect(final.site.id).toBe(accepted ? 'a' : 'b');
      await act(order.id, 'cancel', platform);
    }
    for (const site of ['a', 'b', 'c']) expect((await stock(site)).reserved).toBe(0);
    expect([await load('a'), await load('b'), await load('c')]).toEqual([0, 0, 0]);
  });

  it('20 concurrent accepts: one 200, nineteen 409', async () => {
    const order = await place();
    const results = await Promise.all(Array.from({ length: 20 }, () => act(order.id, 'accept', keys.a!)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect(results.find((r) => r.status === 409)!.body.error.message).toContain('accepted');
    expect((await events(order.id)).filter((e: string) => e === 'accepted')).toHaveLength(1);
    await act(order.id, 'cancel', platform);
  });

  it('cancel racing accept: both orders of events end cancelled, stock released once', async () => {
    for (let round = 0; round < 5; round++) {
      const order = await place();
      const [cancel, accept] = await Promise.all([
        act(order.id, 'cancel', platform),
        act(order.id, 'accept', keys.a!),
      ]);
      expect(cancel.status).toBe(200);
      expect([200, 409]).toContain(accept.status);
      const history = await events(order.id);
      // Accept either came first (and cancel still may cancel) or found it cancelled (409).
      expect(history).toEqual(
        accept.status === 200 ? ['assigned', 'accepted', 'cancelled'] : ['assigned', 'cancelled'],
      );
    }
    expect((await stock('a')).reserved).toBe(0);
    expect(await load('a')).toBe(0);
  });

  it('cancel releases stock and load; cancel after handover is 409', async () => {
    const before = await stock('a');
    const order = await place({ fulfilment: 'pickup' });
    expect(await load('a')).toBe(1);
    const cancelled = await act(order.id, 'cancel', platform, { reason: 'changed my mind' });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stock('a')).toEqual(before);
    expect(await load('a')).toBe(0);

    const pickup = await place({ fulfilment: 'pickup' });
    await act(pickup.id, 'accept', keys.a!);
    expect((await act(pickup.id, 'ready', keys.a!)).body.status).toBe('ready_for_pickup');
    expect((await act(pickup.id, 'collected', keys.a!)).body.status).toBe('collected');
    // Handover: on-hand and reserved both fell, durably too.
    expect(await stock('a')).toEqual({
      ...before,
      onHand: before.onHand - 2,
      available: before.available - 2,
    });
    const [row] = await t.db.sql`select on_hand from stock where site_id = 'a' and sku = 'milk'`;
    expect(row!.on_hand).toBe(before.onHand - 2);
    const late = await act(pickup.id, 'cancel', platform);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('collected');
  });

  it('rates a completed order once; service orders complete; wrong states are 409 with the status', async () => {
    const service = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: 'svc-1', customer, service: { type: 'keys' } },
    });
    const id = service.body.id;
    expect((await act(id, 'rating', platform, { score: 5 })).status).toBe(409);
    expect((await act(id, 'complete', keys.fixer!)).body.error.message).toContain('assigned');
    await act(id, 'accept', keys.fixer!);
    expect((await act(id, 'ready', keys.fixer!)).status).toBe(409);
    expect((await act(id, 'complete', keys.fixer!)).body.status).toBe('completed');
    expect(await load('fixer')).toBe(0);
    const bad = await act(id, 'rating', platform, { score: 6 });
    expect(bad.body.error.issues).toEqual([{ path: 'score', message: 'must be 1 to 5' }]);
    const rated = await act(id, 'rating', platform, { score: 4, comment: 'quick' });
    expect(rated.body.rating).toMatchObject({ score: 4, comment: 'quick' });
    expect((await act(id, 'rating', platform, { score: 1 })).status).toBe(409);
  });

  it('authorization: every action, every wrong party gets 403 or 404', async () => {
    const order = await place();
    const otherSite = keys.b!;
    const courier = (await t.request('POST', '/v1/couriers', { body: { id: 'c-wrong', vehicle: 'bike' } }))
      .body.apiKey;
    const rightful: Record<string, string> = {
      accept: keys.a!,
      decline: keys.a!,
      ready: keys.a!,
      collected: keys.a!,
      complete: keys.a!,
      cancel: platform,
      rating: platform,
      pickup: courier,
      deliver: courier,
      deposit: keys.a!,
    };
    for (const action of Object.keys(rightful)) {
      const wrong = [otherSite, otherPlatform, ...(rightful[action] === platform ? [keys.a!] : [platform])];
      // A courier not assigned to the order may do nothing with it, even courier actions.
      wrong.push(courier);
      for (const key of wrong) {
        const res = await act(order.id, action, key, action === 'rating' ? { score: 5 } : undefined);
        expect([403, 404], `${action} by a wrong key`).toContain(res.status);
      }
    }
    expect((await t.request('GET', `/v1/orders/${order.id}`)).body.status).toBe('assigned');
    expect((await t.request('GET', `/v1/orders/${order.id}`, { key: otherSite })).status).toBe(404);
    expect((await t.request('GET', `/v1/orders/${order.id}`, { key: otherPlatform })).status).toBe(404);
    await act(order.id, 'cancel', platform);
  });

  it('the inbox shows only the site own orders, priority first, then oldest first', async () => {
    const standard1 = await place();
    clock.advance(1000);
    const elderly = await place({ priority: 'elderly' });
    clock.advance(1000);
    const standard2 = await place();
    clock.advance(1000);
    const child = await place({ priority: 'child' });
    const inbox = await t.request('GET', '/v1/sites/a/orders?status=assigned', { key: keys.a! });
    expect(inbox.status).toBe(200);
    expect(inbox.body.orders.map((o: { id: string }) => o.id)).toEqual([
      elderly.id,
      child.id,
      standard1.id,
      standard2.id,
    ]);
    expect(inbox.body.orders.every((o: { site: { id: string } }) => o.site.id === 'a')).toBe(true);
    expect((await t.request('GET', '/v1/sites/a/orders', { key: keys.b! })).status).toBe(403);
    expect((await t.request('GET', '/v1/sites/a/orders?status=lost', { key: keys.a! })).status).toBe(400);
    for (const o of [standard1, elderly, standard2, child]) await act(o.id, 'cancel', platform);
  });

  it('an order whose timer job was lost is timed out by the dispatcher sweep, once', async () => {
    const order = await place();
    expect(order.site.id).toBe('a');
    // The enqueue after the commit was lost (Redis away, a crash): no timer job exists.
    const connection = createRedisConnection(t.redis.url, { role: 'client' });
    const queue = createQueue('acceptance', { connection, redisPrefix: t.env.REDIS_PREFIX! });
    for (const job of await queue.queue.getDelayed()) {
      if (job.data.orderId === order.id) await job.remove();
    }
    await queue.close();
    connection.disconnect();

    // Past the deadline but within the grace the real timer has: left alone.
    clock.advance(61_000);
    await dispatcher.sweepOverdue();
    expect((await t.request('GET', `/v1/orders/${order.id}`)).body.site.id).toBe('a');

    clock.advance(31_000);
    expect(await dispatcher.sweepOverdue()).toBeGreaterThanOrEqual(1);
    const moved = (await t.request('GET', `/v1/orders/${order.id}`)).body;
    expect(moved).toMatchObject({ status: 'assigned', site: { id: 'b' } });
    expect(moved.events.map((e: { type: string }) => e.type)).toEqual([
      'assigned',
      'acceptance_timed_out',
      'rerouted',
    ]);
    // Its new deadline is ahead: the next sweep leaves it be.
    await dispatcher.sweepOverdue();
    expect((await t.request('GET', `/v1/orders/${order.id}`)).body.site.id).toBe('b');
    expect((await stock('a')).reserved).toBe(0);
    expect((await stock('b')).reserved).toBe(2);
    await act(order.id, 'cancel', platform);
  });
});
