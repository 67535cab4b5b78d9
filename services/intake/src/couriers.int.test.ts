import { logisticsKeys } from '@quarterhour/logistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, type TestIntake } from './test-support.ts';

describe('couriers', () => {
  let t: TestIntake;
  let courierKey: string;
  let otherCourierKey: string;
  let platformKey: string;

  beforeAll(async () => {
    t = await startTestIntake();
    const created = await t.request('POST', '/v1/couriers', { body: { id: 'c-7', vehicle: 'ebike' } });
    courierKey = created.body.apiKey;
    otherCourierKey = (
      await t.request('POST', '/v1/couriers', { body: { id: 'c-8', vehicle: 'walk', capacity: 2 } })
    ).body.apiKey;
    platformKey = (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name: 'app' } })).body
      .key;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('registers a courier with defaults and its own key, and reads it back', async () => {
    const res = await t.request('POST', '/v1/couriers', { body: { id: 'c-1', vehicle: 'bike' } });
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^qh_courier_/);
    expect(res.body.courier).toEqual({
      id: 'c-1',
      vehicle: 'bike',
      capacity: 1,
      status: 'offline',
      location: null,
      locatedAt: null,
      activeOrders: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const own = await t.request('GET', '/v1/couriers/c-1', { key: res.body.apiKey });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(res.body.courier);
    expect((await t.request('GET', '/v1/couriers/c-1')).status).toBe(200);
  });

  it('refuses a second courier with the same id', async () => {
    const res = await t.request('POST', '/v1/couriers', { body: { id: 'c-7', vehicle: 'walk' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'conflict',
      issues: [{ path: 'id', message: expect.any(String) }],
    });
  });

  it('names every invalid field', async () => {
    const res = await t.request('POST', '/v1/couriers', {
      body: { id: 'bad id', vehicle: 'car', capacity: 11 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'capacity',
      'id',
      'vehicle',
    ]);
    expect(
      (await t.request('POST', '/v1/couriers', { body: { id: 'c-0', vehicle: 'walk', capacity: 0 } })).status,
    ).toBe(400);
    expect((await t.request('POST', '/v1/couriers', { body: [] })).status).toBe(400);
  });

  it('lets only ops register couriers', async () => {
    for (const key of [courierKey, platformKey]) {
      const res = await t.request('POST', '/v1/couriers', { key, body: { id: 'c-x', vehicle: 'walk' } });
      expect(res.status).toBe(403);
    }
    expect((await t.request('POST', '/v1/couriers', { key: null, body: {} })).status).toBe(401);
  });

  it('takes its location and status from the courier itself, and puts it in the index', async () => {
    const located = await t.request('PUT', '/v1/couriers/c-7/location', {
      key: courierKey,
      body: { lat: 31.2304, lng: 121.4737 },
    });
    expect(located.status).toBe(200);
    expect(located.body).toMatchObject({
      id: 'c-7',
      location: { lat: 31.2304, lng: 121.4737 },
      status: 'offline',
    });
    expect(located.body.locatedAt).toEqual(expect.any(String));

    const available = await t.request('PUT', '/v1/couriers/c-7/status', {
      key: courierKey,
      body: { status: 'available' },
    });
    expect(available.status).toBe(200);
    expect(available.body.status).toBe('available');
    const keys = logisticsKeys(t.redis.prefix);
    const cell = await t.redis.redis.hget(keys.courier('c-7'), 'cell');
    expect(await t.redis.redis.sismember(keys.courierCell(cell!), 'c-7')).toBe(1);

    // Ops may act for a courier too.
    const offline = await t.request('PUT', '/v1/couriers/c-7/status', { body: { status: 'offline' } });
    expect(offline.body.status).toBe('offline');
    expect(await t.redis.redis.sismember(keys.courierCell(cell!), 'c-7')).toBe(0);
  });

  it('refuses another courier (403 even for an unknown id), other roles, and bad bodies', async () => {
    for (const [method, path, body] of [
      ['PUT', '/v1/couriers/c-7/location', { lat: 31.2, lng: 121.4 }],
      ['PUT', '/v1/couriers/c-7/status', { status: 'available' }],
      ['GET', '/v1/couriers/c-7', undefined],
      ['PUT', '/v1/couriers/nobody/status', { status: 'available' }],
    ] as const) {
      const res = await t.request(method, path, { key: otherCourierKey, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const platform = await t.request('PUT', '/v1/couriers/c-7/status', {
      key: platformKey,
      body: { status: 'available' },
    });
    expect(platform.status).toBe(403);

    const badLocation = await t.request('PUT', '/v1/couriers/c-7/location', {
      key: courierKey,
      body: { lat: 91, lng: 'east' },
    });
    expect(badLocation.status).toBe(400);
    expect(badLocation.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'lat',
      'lng',
    ]);
    const badStatus = await t.request('PUT', '/v1/couriers/c-7/status', {
      key: courierKey,
      body: { status: 'busy' },
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.issues).toEqual([{ path: 'status', message: expect.any(String) }]);
    expect((await t.request('GET', '/v1/couriers/bad%20id')).status).toBe(400);
  });

  it('answers 404 to ops for a courier that does not exist', async () => {
    expect((await t.request('GET', '/v1/couriers/nobody')).status).toBe(404);
    expect(
      (await t.request('PUT', '/v1/couriers/nobody/location', { body: { lat: 1, lng: 2 } })).status,
    ).toBe(404);
    expect(
      (await t.request('PUT', '/v1/couriers/nobody/status', { body: { status: 'offline' } })).status,
    ).toBe(404);
  });
});
