import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, type TestIntake } from './test-support.ts';

describe('rate limits', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake({ RATE_LIMIT_PER_SECOND: '5' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 rate_limited with Retry-After past the limit, per key', async () => {
    const other = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key as string;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the ops key's bucket refill
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<TestIntake['request']>> | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await t.request('GET', '/v1/sites/none');
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(5);
    expect(limited).toBeDefined();
    expect(limited!.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key has a bucket of its own.
    expect((await t.request('GET', '/v1/sites/none', { key: other })).status).toBe(403);
  });
});
