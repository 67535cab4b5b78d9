import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

function city(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) =>
    storeBody(`${prefix}-${i}`, {
      location: { lat: 31.2 + (i % 100) * 0.001, lng: 121.4 + Math.floor(i / 100) * 0.001 },
      openingHours: [{ days: [0, 1, 2, 3, 4, 5, 6], open: '07:00', close: '23:00' }],
    }),
  );
}

describe('POST /v1/sites/bulk', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates 5,000 sites at once, each with a working key', async () => {
    const res = await t.request('POST', '/v1/sites/bulk', { body: { sites: city(5000, 'b') } });
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(5000);
    expect(Object.keys(res.body.apiKeys)).toHaveLength(5000);
    const [{ count }] = await t.db.sql<
      [{ count: number }]
    >`select count(*)::int as count from sites where id like 'b-%'`;
    expect(count).toBe(5000);
    const site = await t.request('GET', '/v1/sites/b-4999', { key: res.body.apiKeys['b-4999'] });
    expect(site.status).toBe(200);
  });

  it('creates nothing when one site is invalid, and names that site', async () => {
    const sites = city(5000, 'c');
    sites[3210] = { ...sites[3210], location: { lat: 123, lng: 121.4 } };
    const res = await t.request('POST', '/v1/sites/bulk', { body: { sites } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('c-3210');
    expect(res.body.error.issues).toEqual([{ path: 'sites.3210.location.lat', message: expect.any(String) }]);
    const [{ count }] = await t.db.sql<
      [{ count: number }]
    >`select count(*)::int as count from sites where id like 'c-%'`;
    expect(count).toBe(0);
  });

  it('creates nothing when one id exists already or repeats', async () => {
    const existing = city(3, 'b');
    const res = await t.request('POST', '/v1/sites/bulk', {
      body: { sites: [...city(10, 'd'), existing[1]] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('b-1');
    expect(res.body.error.issues).toEqual([{ path: 'sites.10.id', message: expect.any(String) }]);
    const repeated = await t.request('POST', '/v1/sites/bulk', {
      body: { sites: [...city(4, 'e'), city(4, 'e')[2]] },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.issues).toEqual([
      { path: 'sites.4.id', message: expect.stringContaining('sites.2.id') },
    ]);
    const [{ count }] = await t.db.sql<
      [{ count: number }]
    >`select count(*)::int as count from sites where id like 'd-%' or id like 'e-%'`;
    expect(count).toBe(0);
  });

  it('refuses more than 5,000 sites or none', async () => {
    const over = await t.request('POST', '/v1/sites/bulk', { body: { sites: city(5001, 'f') } });
    expect(over.status).toBe(400);
    expect(over.body.error.issues[0].path).toBe('sites');
    expect((await t.request('POST', '/v1/sites/bulk', { body: { sites: [] } })).status).toBe(400);
  });
});
