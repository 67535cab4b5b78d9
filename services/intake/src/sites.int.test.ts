import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

describe('sites', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a site with defaults and its own key, and reads it back', async () => {
    const res = await t.request('POST', '/v1/sites', {
      body: storeBody('s-1042', { name: 'Lianhua Express Pengpu', chain: true }),
    });
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^qh_site_/);
    expect(res.body.site).toMatchObject({
      id: 's-1042',
      name: 'Lianhua Express Pengpu',
      kind: 'store',
      formats: ['convenience'],
      chain: true,
      location: { lat: 31.2304, lng: 121.4737 },
      timezone: 'Asia/Shanghai',
      openingHours: null,
      capacity: 50,
      acceptance: { mode: 'manual', timeoutSeconds: 90 },
      services: [],
      status: 'open',
      cell: expect.stringMatching(/^89[0-9a-f]{13}$/),
    });
    const read = await t.request('GET', '/v1/sites/s-1042', { key: res.body.apiKey });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body.site);
  });

  it('refuses a provider without services', async () => {
    const res = await t.request('POST', '/v1/sites', {
      body: { ...storeBody('prov-0'), kind: 'provider', formats: ['repair'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'services', message: expect.any(String) }]);
  });

  it('patches fields but never id or kind, and merges acceptance', async () => {
    const created = await t.request('POST', '/v1/sites', {
      body: storeBody('s-2', { openingHours: [{ days: [1, 2, 3], open: '22:00', close: '02:00' }] }),
    });
    const key = created.body.apiKey;
    const patched = await t.request('PATCH', '/v1/sites/s-2', {
      key,
      body: { status: 'paused', acceptance: { timeoutSeconds: 120 }, location: { lat: 31.24, lng: 121.48 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      status: 'paused',
      acceptance: { mode: 'manual', timeoutSeconds: 120 },
      openingHours: [{ days: [1, 2, 3], open: '22:00', close: '02:00' }],
      location: { lat: 31.24, lng: 121.48 },
    });
    expect(patched.body.cell).not.toBe(created.body.site.cell);
    const refused = await t.request('PATCH', '/v1/sites/s-2', { key, body: { id: 's-3', kind: 'provider' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['id', 'kind']);
    const same = await t.request('PATCH', '/v1/sites/s-2', {
      key,
      body: { id: 's-2', kind: 'store', openingHours: null },
    });
    expect(same.status).toBe(200);
    expect(same.body.openingHours).toBeNull();
  });

  it('tells other processes about every created or changed site', async () => {
    const listener = t.redis.redis.duplicate();
    const seen: string[] = [];
    await listener.subscribe(t.intake.context.keys.siteChanges);
    listener.on('message', (_channel, siteId) => seen.push(siteId));
    await t.request('POST', '/v1/sites', { body: storeBody('s-notify') });
    await t.request('PATCH', '/v1/sites/s-notify', { body: { status: 'paused' } });
    await expect.poll(() => seen).toEqual(['s-notify', 's-notify']);
    listener.disconnect();
  });

  it('lets a site key change only its own site and stock', async () => {
    const a = await t.request('POST', '/v1/sites', { body: storeBody('own-a') });
    await t.request('POST', '/v1/sites', { body: storeBody('own-b') });
    const keyA = a.body.apiKey;
    expect((await t.request('PATCH', '/v1/sites/own-a', { key: keyA, body: { capacity: 10 } })).status).toBe(
      200,
    );
    expect(
      (
        await t.request('PUT', '/v1/sites/own-a/stock', {
          key: keyA,
          body: { items: [{ sku: 'x', onHand: 1 }] },
        })
      ).status,
    ).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/v1/sites/own-b', undefined],
      ['PATCH', '/v1/sites/own-b', { capacity: 10 }],
      ['GET', '/v1/sites/own-b/stock', undefined],
      ['PUT', '/v1/sites/own-b/stock', { items: [{ sku: 'x', onHand: 1 }] }],
      ['POST', '/v1/sites/own-b/stock/adjust', { items: [{ sku: 'x', delta: 1 }] }],
      ['GET', '/v1/sites/no-such-site', undefined],
      ['POST', '/v1/sites', storeBody('own-c')],
      ['POST', '/v1/api-keys', { role: 'site', subjectId: 'own-a' }],
    ] as const) {
      const res = await t.request(method, path, { key: keyA, body });
      expect([403, 404], `${method} ${path}`).toContain(res.status);
    }
    const b = await t.request('GET', '/v1/sites/own-b');
    expect(b.body.capacity).toBe(50);
    const stockB = await t.request('GET', '/v1/sites/own-b/stock');
    expect(stockB.body.items).toEqual([]);
  });

  it('issues a replacement site key and revokes the old one', async () => {
    const created = await t.request('POST', '/v1/sites', { body: storeBody('rot-1') });
    const made = await t.request('POST', '/v1/api-keys', {
      body: { role: 'site', subjectId: 'rot-1', name: 'till 2' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ role: 'site', subjectId: 'rot-1' });
    expect((await t.request('GET', '/v1/sites/rot-1', { key: made.body.key })).status).toBe(200);
    const oldKeyId = (
      await t.db.sql`select id from api_keys where subject_id = 'rot-1' order by created_at limit 1`
    )[0]!.id;
    await t.request('DELETE', `/v1/api-keys/${oldKeyId}`);
    expect((await t.request('GET', '/v1/sites/rot-1', { key: created.body.apiKey })).status).toBe(401);
    expect(
      (await t.request('POST', '/v1/api-keys', { body: { role: 'site', subjectId: 'ghost' } })).status,
    ).toBe(404);
    expect(
      (await t.request('POST', '/v1/api-keys', { body: { role: 'site' } })).body.error.issues[0].path,
    ).toBe('subjectId');
  });

  it('stores keys hashed: the plain key is nowhere in the database', async () => {
    const made = await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'hash-check' } });
    const rows = await t.db.sql`select * from api_keys where id = ${made.body.id}`;
    expect(JSON.stringify(rows)).not.toContain(made.body.key);
    expect((rows[0]!.key_hash as Buffer).length).toBe(32);
  });
});
