import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };

describe('concurrency', () => {
  let t: TestIntake;
  let platform: string;
  beforeAll(async () => {
    t = await startTestIntake({ RATE_LIMIT_PER_SECOND: '100000' });
    platform = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key;
    await t.request('POST', '/v1/sites', {
      body: storeBody('last', { location: { lat: 31.231, lng: 121.4737 }, capacity: 100_000 }),
    });
    await t.request('POST', '/v1/sites', {
      body: storeBody('backup', { location: { lat: 31.235, lng: 121.4737 }, capacity: 100_000 }),
    });
    await t.request('PUT', '/v1/sites/backup/stock', { body: { items: [{ sku: 'other', onHand: 1 }] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('200 concurrent orders for the last 10 units: exactly 10 win, 20 times over', async () => {
    for (let round = 0; round < 20; round++) {
      await t.request('PUT', '/v1/sites/last/stock', {
        body: { items: [{ sku: `sku-${round}`, onHand: 10 }] },
      });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          t.request('POST', '/v1/orders', {
            key: platform,
            body: { externalId: `r${round}-${i}`, customer, items: [{ sku: `sku-${round}`, quantity: 1 }] },
          }),
        ),
      );
      const won = results.filter((r) => r.status === 201);
      const lost = results.filter((r) => r.status === 422);
      expect(won, `round ${round}`).toHaveLength(10);
      expect(won.every((r) => r.body.site.id === 'last')).toBe(true);
      expect(lost).toHaveLength(190);
      expect(lost.every((r) => r.body.error.reason === 'out_of_stock')).toBe(true);
      const stock = await t.request('GET', `/v1/sites/last/stock?sku=sku-${round}`);
      expect(stock.body.items[0]).toEqual({ sku: `sku-${round}`, onHand: 10, reserved: 10, available: 0 });
      const [{ held }] = await t.db.sql<[{ held: number }]>`
        select count(*)::int as held from orders where stock_held and items @> ${t.db.sql.json([{ sku: `sku-${round}` }])}`;
      expect(held).toBe(10);
    }
  });

  it('20 concurrent replays of one order: one order, one reservation', async () => {
    await t.request('PUT', '/v1/sites/last/stock', { body: { items: [{ sku: 'replayed', onHand: 100 }] } });
    const body = { externalId: 'same-one', customer, items: [{ sku: 'replayed', quantity: 3 }] };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.request('POST', '/v1/orders', { key: platform, body })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const stock = await t.request('GET', '/v1/sites/last/stock?sku=replayed');
    expect(stock.body.items[0].reserved).toBe(3);
    const [{ count }] = await t.db.sql<[{ count: number }]>`
      select count(*)::int as count from orders where external_id = 'same-one'`;
    expect(count).toBe(1);
  });
});
