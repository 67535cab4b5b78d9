import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

/**
 * Redis is not the only copy of anything: a restart or a FLUSHDB loses no site or stock.
 * This file leases a Redis database number of its own, so FLUSHDB touches nobody else.
 */
describe('recovery of the hot state', () => {
  let t: TestIntake;
  const skus = Array.from({ length: 30 }, (_, i) => ({ sku: `sku-${i}`, onHand: i * 3 }));

  beforeAll(async () => {
    t = await startTestIntake({}, { ownRedisDatabase: true });
    for (let s = 0; s < 5; s++) {
      await t.request('POST', '/v1/sites', { body: storeBody(`r-${s}`) });
      await t.request('PUT', `/v1/sites/r-${s}/stock`, {
        body: { items: skus.map((x) => ({ ...x, onHand: x.onHand + s })) },
      });
    }
    // An order holding stock at r-0, as routing leaves it: reserved comes back from PostgreSQL.
    const [key] = await t.db.sql`select id from api_keys where role = 'ops' limit 1`;
    await t.db.sql`
      insert into orders (id, platform_key_id, external_id, request_hash, status, items, customer_lat, customer_lng,
                          cell, fulfilment, priority, max_walk_minutes, site_id, stock_held, load_held)
      values ('o-1', ${key!.id}, 'x-1', 'h', 'assigned', ${t.db.sql.json([{ sku: 'sku-2', quantity: 8 }])},
              31.23, 121.47, '89', 'delivery', 'standard', 15, 'r-0', true, true)`;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function stockOf(siteId: string) {
    const res = await t.request('GET', `/v1/sites/${siteId}/stock`);
    expect(res.status).toBe(200);
    return res.body.items as { sku: string; onHand: number; reserved: number; available: number }[];
  }

  function expected(site: number) {
    return skus
      .map((x) => ({ sku: x.sku, onHand: x.onHand + site }))
      .sort((a, b) => (a.sku < b.sku ? -1 : 1))
      .map((x) => {
        const reserved = site === 0 && x.sku === 'sku-2' ? 8 : 0;
        return { ...x, reserved, available: Math.max(0, x.onHand - reserved) };
      });
  }

  it('rebuilds everything after FLUSHDB, with available = max(0, onHand - reserved)', async () => {
    await t.redis.redis.flushdb();
    for (let s = 0; s < 5; s++) expect(await stockOf(`r-${s}`)).toEqual(expected(s));
    expect((await stockOf('r-0')).find((x) => x.sku === 'sku-2')).toEqual({
      sku: 'sku-2',
      onHand: 6,
      reserved: 8,
      available: 0,
    });
  });

  it('has every site and SKU after a restart of the intake on an empty Redis', async () => {
    await t.redis.redis.flushdb();
    await t.restart();
    for (let s = 0; s < 5; s++) {
      expect(await stockOf(`r-${s}`)).toEqual(expected(s));
      expect((await t.request('GET', `/v1/sites/r-${s}`)).status).toBe(200);
    }
    expect(await t.redis.redis.get(`${t.redis.prefix}:load:r-0`)).toBe('1');
  });

  it('rebuilds in the background without a read asking for it', async () => {
    await t.redis.redis.flushdb();
    await expect
      .poll(() => t.redis.redis.hget(`${t.redis.prefix}:stock:r-3:onhand`, 'sku-5'), { timeout: 5_000 })
      .toBe(String(15 + 3));
  });
});
