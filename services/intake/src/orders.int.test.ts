import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };

/** A point `meters` east of the customer (good enough at these distances). */
function east(meters: number) {
  return {
    lat: customer.lat,
    lng: customer.lng + meters / (111_320 * Math.cos((customer.lat * Math.PI) / 180)),
  };
}

describe('POST /v1/orders', () => {
  let t: TestIntake;
  let platform: string;
  let otherPlatform: string;
  const siteKeys: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestIntake();
    platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'app-1' } })).body
      .key;
    otherPlatform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'app-2' } }))
      .body.key;
    const sites = [
      storeBody('near', { location: east(200) }),
      storeBody('mid', { location: east(500), acceptance: { mode: 'auto' } }),
      storeBody('far', { location: east(2000) }),
      {
        ...storeBody('fixer', { location: east(300) }),
        kind: 'provider',
        formats: ['repair'],
        services: ['key_cutting'],
      },
    ];
    for (const site of sites) {
      siteKeys[site.id as string] = (await t.request('POST', '/v1/sites', { body: site })).body.apiKey;
    }
    await t.request('PUT', '/v1/sites/near/stock', { body: { items: [{ sku: 'milk', onHand: 5 }] } });
    await t.request('PUT', '/v1/sites/mid/stock', {
      body: {
        items: [
          { sku: 'milk', onHand: 50 },
          { sku: 'bread', onHand: 50 },
        ],
      },
    });
    await t.request('PUT', '/v1/sites/far/stock', { body: { items: [{ sku: 'caviar', onHand: 50 }] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const order = (externalId: string, extra: Record<string, unknown> = {}) => ({
    externalId,
    customer,
    items: [{ sku: 'milk', quantity: 1 }],
    ...extra,
  });

  it('routes to the nearest site with every line, reserves, and answers 201 with the decision', async () => {
    const res = await t.request('POST', '/v1/orders', { key: platform, body: order('o-1') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ord_/),
      externalId: 'o-1',
      status: 'assigned',
      cell: expect.stringMatching(/^89[0-9a-f]{13}$/),
      fulfilment: 'delivery',
      priority: 'standard',
      items: [{ sku: 'milk', quantity: 1 }],
      site: { id: 'near', name: 'Store near', distanceMeters: expect.closeTo(200, 0) },
    });
    expect(res.body.site.walkMinutes).toBeCloseTo((res.body.site.distanceMeters * 1.3) / 80, 2);
    const stock = await t.request('GET', '/v1/sites/near/stock?sku=milk');
    expect(stock.body.items[0]).toEqual({ sku: 'milk', onHand: 5, reserved: 1, available: 4 });
    const [row] = await t.db.sql`select status, stock_held from orders where id = ${res.body.id}`;
    expect(row).toEqual({ status: 'assigned', stock_held: true });
  });

  it('skips a nearer site that lacks one line; an auto site accepts at once', async () => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-2', {
        items: [
          { sku: 'milk', quantity: 1 },
          { sku: 'bread', quantity: 2 },
        ],
      }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'accepted', site: { id: 'mid' } });
    const read = await t.request('GET', `/v1/orders/${res.body.id}`, { key: platform });
    expect(read.body.events.map((e: { type: string }) => e.type)).toEqual(['assigned', 'accepted']);
  });

  it('routes a service order to the nearest provider of that service, with visit by default', async () => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: 'svc-1', customer, service: { type: 'key_cutting' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      site: { id: 'fixer' },
      fulfilment: 'visit',
      service: { type: 'key_cutting' },
    });
    const none = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { externalId: 'svc-2', customer, service: { type: 'home_cleaning' } },
    });
    expect(none.status).toBe(422);
    expect(none.body.error.reason).toBe('no_site_in_radius');
  });

  it('answers 422 unroutable with the reason, keeps the order, and answers 422 again on a replay', async () => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-3', { items: [{ sku: 'caviar', quantity: 1 }] }),
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'unroutable',
      reason: 'out_of_stock',
      message: expect.any(String),
    });
    expect(res.body.order).toMatchObject({ id: expect.stringMatching(/^ord_/), status: 'unroutable' });
    const again = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-3', { items: [{ sku: 'caviar', quantity: 1 }] }),
    });
    expect(again.status).toBe(422);
    expect(again.body.order.id).toBe(res.body.order.id);
    const far = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-4', { customer: { lat: 40, lng: 116 } }),
    });
    expect(far.body.error.reason).toBe('no_site_in_radius');
    await t.request('PATCH', '/v1/sites/near', { body: { status: 'paused' } });
    await t.request('PATCH', '/v1/sites/mid', { body: { status: 'paused' } });
    const closed = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-5', { maxWalkMinutes: 8 }),
    });
    expect(closed.body.error.reason).toBe('no_open_site');
    await t.request('PATCH', '/v1/sites/near', { body: { status: 'open' } });
    await t.request('PATCH', '/v1/sites/mid', { body: { status: 'open' } });
  });

  it('replays: same body → 200 with the same order and nothing reserved; different body → 409', async () => {
    const first = await t.request('POST', '/v1/orders', { key: platform, body: order('o-6') });
    const before = await t.request('GET', '/v1/sites/near/stock?sku=milk');
    const again = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-6', { priority: 'standard' }),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await t.request('GET', '/v1/sites/near/stock?sku=milk')).body).toEqual(before.body);
    const changed = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('o-6', { priority: 'elderly' }),
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('idempotency_conflict');
    // Another platform's externalId space is its own.
    expect((await t.request('POST', '/v1/orders', { key: otherPlatform, body: order('o-6') })).status).toBe(
      201,
    );
  });

  it('validates with field paths', async () => {
    const res = await t.request('POST', '/v1/orders', {
      key: platform,
      body: {
        externalId: 'bad id',
        customer: { lat: 95, lng: 0 },
        items: [
          { sku: 'milk', quantity: 0 },
          { sku: 'x', quantity: 1001 },
        ],
        fulfilment: 'teleport',
        maxWalkMinutes: 16,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      [
        'customer.lat',
        'externalId',
        'fulfilment',
        'items.0.quantity',
        'items.1.quantity',
        'maxWalkMinutes',
      ].sort(),
    );
    const both = await t.request('POST', '/v1/orders', {
      key: platform,
      body: { ...order('v-2'), service: { type: 'key_cutting' } },
    });
    expect(both.body.error.issues).toEqual([{ path: '', message: 'send exactly one of items or service' }]);
    const repeat = await t.request('POST', '/v1/orders', {
      key: platform,
      body: order('v-3', {
        items: [
          { sku: 'milk', quantity: 1 },
          { sku: 'milk', quantity: 2 },
        ],
      }),
    });
    expect(repeat.body.error.issues).toEqual([{ path: 'items.1.sku', message: 'repeats items.0.sku' }]);
    expect((await t.request('POST', '/v1/orders', { body: order('v-4') })).status).toBe(201); // ops may too
    expect((await t.request('POST', '/v1/orders', { key: siteKeys.near, body: order('v-5') })).status).toBe(
      403,
    );
  });

  it('shows an order only to its platform, its site and ops', async () => {
    const made = await t.request('POST', '/v1/orders', { key: platform, body: order('o-7') });
    const path = `/v1/orders/${made.body.id}`;
    expect((await t.request('GET', path, { key: platform })).status).toBe(200);
    expect((await t.request('GET', path, { key: siteKeys.near })).status).toBe(200);
    expect((await t.request('GET', path)).status).toBe(200);
    expect((await t.request('GET', path, { key: otherPlatform })).status).toBe(404);
    expect((await t.request('GET', path, { key: siteKeys.mid })).status).toBe(404);
    const read = await t.request('GET', path, { key: platform });
    expect(read.body.events).toEqual([
      {
        type: 'assigned',
        at: made.body.createdAt,
        data: { siteId: 'near', distanceMeters: made.body.site.distanceMeters },
      },
    ]);
    expect((await t.request('GET', '/v1/orders/ord_nothere', { key: platform })).status).toBe(404);
  });
});
