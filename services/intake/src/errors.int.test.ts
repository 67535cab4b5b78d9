import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

/** Every error row of API.md, through the real HTTP stack. */
describe('error contract', () => {
  let t: TestIntake;
  beforeAll(async () => {
    t = await startTestIntake();
  });
  afterAll(async () => {
    await t?.close();
  });

  function expectErrorShape(body: unknown, code: string) {
    expect(Object.keys(body as object)).toEqual(['error']);
    expect((body as { error: { code: string; message: string } }).error).toMatchObject({
      code,
      message: expect.any(String),
    });
  }

  it('400 malformed_json for a body that is not JSON', async () => {
    const res = await t.request('POST', '/v1/sites', { body: '{"id": "s-1",' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'malformed_json');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['a string', '"site"'],
  ])('400 invalid_request with path "" for %s as the body', async (_, raw) => {
    const res = await t.request('POST', '/v1/sites', { body: raw });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'invalid_request');
    expect(res.body.error.issues).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('400 invalid_request for a missing body', async () => {
    const res = await t.request('POST', '/v1/sites');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('');
  });

  it('400 invalid_request naming each bad field by its dotted path', async () => {
    const res = await t.request('POST', '/v1/sites', {
      body: storeBody('bad id!', {
        location: { lat: 91, lng: 'east' },
        formats: ['convenience', 'casino'],
        acceptance: { mode: 'manual', timeoutSeconds: 5 },
        openingHours: [{ days: [7], open: '24:00', close: '25:00' }],
      }),
    });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'invalid_request');
    const paths = res.body.error.issues.map((issue: { path: string }) => issue.path).sort();
    expect(paths).toEqual(
      [
        'acceptance.timeoutSeconds',
        'formats.1',
        'id',
        'location.lat',
        'location.lng',
        'openingHours.0.close',
        'openingHours.0.days.0',
        'openingHours.0.open',
      ].sort(),
    );
  });

  it('400 invalid_request for a bad query parameter', async () => {
    await t.request('POST', '/v1/sites', { body: storeBody('q-1') });
    const res = await t.request('GET', '/v1/sites/q-1/stock?sku=ok,not%20ok');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('sku.1');
  });

  it('415 unsupported_media_type for a body that is not application/json', async () => {
    const res = await t.request('POST', '/v1/sites', {
      body: 'id=s-1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expectErrorShape(res.body, 'unsupported_media_type');
  });

  it('413 payload_too_large for a body over 1 MiB', async () => {
    const res = await t.request('POST', '/v1/sites', {
      body: JSON.stringify(storeBody('big', { name: 'x'.repeat(1024 * 1024 + 10) })),
    });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'payload_too_large');
  });

  it('401 unauthenticated without a key, with a malformed header, with an unknown key', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer qh_ops_nope' },
    ] as Record<string, string>[]) {
      const res = await t.request('GET', '/v1/sites/q-1', { key: null, headers });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 'unauthenticated');
    }
  });

  it('401 for a revoked key, from the moment it is revoked', async () => {
    const made = await t.request('POST', '/v1/api-keys', { body: { role: 'ops', name: 'temp' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^key_/),
      key: expect.any(String),
      role: 'ops',
      name: 'temp',
    });
    expect((await t.request('GET', '/v1/sites/q-1', { key: made.body.key })).status).toBe(200);
    expect((await t.request('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(204);
    const res = await t.request('GET', '/v1/sites/q-1', { key: made.body.key });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 'unauthenticated');
  });

  it('403 forbidden for a role that may not act', async () => {
    const platform = await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'app-1' } });
    for (const [method, path, body] of [
      ['POST', '/v1/sites', storeBody('p-1')],
      ['POST', '/v1/sites/bulk', { sites: [storeBody('p-2')] }],
      ['GET', '/v1/sites/q-1', undefined],
      ['PUT', '/v1/sites/q-1/stock', { items: [{ sku: 'a', onHand: 1 }] }],
      ['POST', '/v1/api-keys', { role: 'platform' }],
      ['DELETE', '/v1/api-keys/key_0000', undefined],
    ] as const) {
      const res = await t.request(method, path, { key: platform.body.key, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectErrorShape(res.body, 'forbidden');
    }
  });

  it('404 not_found for an unknown id or route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/sites/nope'],
      ['GET', '/v1/sites/nope/stock'],
      ['DELETE', '/v1/api-keys/key_0123456789abcdef'],
      ['GET', '/v1/nothing-here'],
    ] as const) {
      const res = await t.request(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectErrorShape(res.body, 'not_found');
    }
  });

  it('409 conflict for a duplicate site id', async () => {
    expect((await t.request('POST', '/v1/sites', { body: storeBody('dup-1') })).status).toBe(201);
    const res = await t.request('POST', '/v1/sites', { body: storeBody('dup-1') });
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 'conflict');
    expect(res.body.error.issues).toEqual([{ path: 'id', message: expect.stringContaining('dup-1') }]);
  });

  it('healthz and readyz answer without a key', async () => {
    expect((await t.request('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await t.request('GET', '/readyz', { key: null })).body).toEqual({ status: 'ready' });
  });
});
