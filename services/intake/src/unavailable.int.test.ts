import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

/**
 * 503 with Retry-After when a dependency is down, and nothing half-written. Redis is
 * "down" for this intake by pausing its clients' connection: the test's own Redis server
 * keeps serving every other test.
 */
describe('unavailable dependencies', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake();
    expect((await t.request('POST', '/v1/sites', { body: storeBody('u-1') })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 unavailable with Retry-After when Redis is unreachable, and writes nothing to PostgreSQL', async () => {
    const { redis } = t.intake.context;
    redis.disconnect(false);
    try {
      const res = await t.request('PUT', '/v1/sites/u-1/stock', {
        body: { items: [{ sku: 'milk', onHand: 5 }] },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.error.code).toBe('unavailable');
      const rows = await t.db.sql`select * from stock where site_id = 'u-1'`;
      expect(rows).toHaveLength(0);
      const ready = await t.request('GET', '/readyz', { key: null });
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('1');
    } finally {
      await redis.connect();
    }
    const res = await t.request('PUT', '/v1/sites/u-1/stock', {
      body: { items: [{ sku: 'milk', onHand: 5 }] },
    });
    expect(res.status).toBe(200);
  });
});
