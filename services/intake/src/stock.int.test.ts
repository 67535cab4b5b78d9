import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

describe('stock', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake();
    await t.request('POST', '/v1/sites', { body: storeBody('st-1') });
    await t.request('POST', '/v1/sites', { body: storeBody('st-2') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sets the listed SKUs and leaves the others unchanged', async () => {
    const first = await t.request('PUT', '/v1/sites/st-1/stock', {
      body: {
        items: [
          { sku: 'milk-1l', onHand: 12 },
          { sku: 'bread-wh', onHand: 3 },
        ],
      },
    });
    expect(first.status).toBe(200);
    const second = await t.request('PUT', '/v1/sites/st-1/stock', {
      body: { items: [{ sku: 'milk-1l', onHand: 7 }] },
    });
    expect(second.body.items).toEqual([
      { sku: 'bread-wh', onHand: 3, reserved: 0, available: 3 },
      { sku: 'milk-1l', onHand: 7, reserved: 0, available: 7 },
    ]);
    const durable = await t.db.sql`select sku, on_hand from stock where site_id = 'st-1' order by sku`;
    expect(durable.map((r) => [r.sku, r.on_hand])).toEqual([
      ['bread-wh', 3],
      ['milk-1l', 7],
    ]);
  });

  it('filters by ?sku=, answering zero for SKUs the site does not stock', async () => {
    const res = await t.request('GET', '/v1/sites/st-1/stock?sku=milk-1l,eggs-6');
    expect(res.body.items).toEqual([
      { sku: 'milk-1l', onHand: 7, reserved: 0, available: 7 },
      { sku: 'eggs-6', onHand: 0, reserved: 0, available: 0 },
    ]);
  });

  it('adjusts by deltas, all or nothing', async () => {
    const res = await t.request('POST', '/v1/sites/st-1/stock/adjust', {
      body: {
        items: [
          { sku: 'milk-1l', delta: -2 },
          { sku: 'tea', delta: 5 },
        ],
      },
    });
    expect(res.status).toBe(200);
    const levels = Object.fromEntries(
      res.body.items.map((i: { sku: string; onHand: number }) => [i.sku, i.onHand]),
    );
    expect(levels).toEqual({ 'bread-wh': 3, 'milk-1l': 5, tea: 5 });
    const refused = await t.request('POST', '/v1/sites/st-1/stock/adjust', {
      body: {
        items: [
          { sku: 'milk-1l', delta: -1 },
          { sku: 'bread-wh', delta: -4 },
        ],
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.issues).toEqual([
      { path: 'items.1.delta', message: expect.stringContaining('bread-wh') },
    ]);
    const after = await t.request('GET', '/v1/sites/st-1/stock?sku=milk-1l,bread-wh');
    expect(after.body.items.map((i: { onHand: number }) => i.onHand)).toEqual([5, 3]);
  });

  it('keeps concurrent adjustments exact', async () => {
    await t.request('PUT', '/v1/sites/st-2/stock', { body: { items: [{ sku: 'water', onHand: 100 }] } });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.request('POST', '/v1/sites/st-2/stock/adjust', {
          body: { items: [{ sku: 'water', delta: i % 2 ? 3 : -1 }] },
        }),
      ),
    );
    const res = await t.request('GET', '/v1/sites/st-2/stock?sku=water');
    expect(res.body.items[0].onHand).toBe(100 + 20 * 3 - 20);
    const [row] = await t.db.sql`select on_hand from stock where site_id = 'st-2' and sku = 'water'`;
    expect(row!.on_hand).toBe(140);
  });

  it('validates SKUs, quantities and repeats with field paths', async () => {
    const res = await t.request('PUT', '/v1/sites/st-1/stock', {
      body: {
        items: [
          { sku: 'bad sku', onHand: 1 },
          { sku: 'a', onHand: -1 },
          { sku: 'b', onHand: 1.5 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'items.0.sku',
      'items.1.onHand',
      'items.2.onHand',
    ]);
    // Repeats are checked once every line is valid on its own.
    const repeated = await t.request('PUT', '/v1/sites/st-1/stock', {
      body: {
        items: [
          { sku: 'a', onHand: 1 },
          { sku: 'a', onHand: 2 },
        ],
      },
    });
    expect(repeated.body.error.issues).toEqual([{ path: 'items.1.sku', message: 'repeats items.0.sku' }]);
    expect(
      (await t.request('PUT', '/v1/sites/ghost/stock', { body: { items: [{ sku: 'a', onHand: 1 }] } }))
        .status,
    ).toBe(404);
  });
});
