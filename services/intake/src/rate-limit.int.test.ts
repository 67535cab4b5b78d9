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
    const busy = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key as string;
    const calm = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key as string;
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await t.request('GET', '/v1/sites/none', { key: busy }));
    const statuses = answers.map((res) => res.status);
    // A full bucket of five (a platform may not read sites: 403), then refused.
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    const limited = answers.find((res) => res.status === 429);
    expect(limited).toBeDefined();
    expect(limited!.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key has a bucket of its own.
    expect((await t.request('GET', '/v1/sites/none', { key: calm })).status).toBe(403);
  });
});
