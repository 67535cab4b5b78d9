import { ManualClock } from '@quarterhour/domain';
import { LockerDispatch, logisticsKeys } from '@quarterhour/logistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, type TestIntake } from './test-support.ts';

const LOCATION = { lat: 31.2304, lng: 121.4737 };

function lockerBody(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    location: LOCATION,
    compartments: [
      { size: 'M', temperature: 'chilled', count: 2 },
      { size: 'S', count: 1 },
    ],
    ...overrides,
  };
}

describe('lockers', () => {
  let t: TestIntake;

  beforeAll(async () => {
    t = await startTestIntake();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('registers a locker with numbered compartments, defaults and its own key', async () => {
    const res = await t.request('POST', '/v1/lockers', { body: lockerBody('L-9') });
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^qh_locker_/);
    expect(res.body.locker).toEqual({
      id: 'L-9',
      location: LOCATION,
      holdHours: 48,
      compartments: [
        { number: 1, size: 'M', temperature: 'chilled', state: 'free' },
        { number: 2, size: 'M', temperature: 'chilled', state: 'free' },
        { number: 3, size: 'S', temperature: 'ambient', state: 'free' },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const own = await t.request('GET', '/v1/lockers/L-9', { key: res.body.apiKey });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(res.body.locker);
  });

  it('shows compartments as reserved and occupied, never with their codes', async () => {
    const created = await t.request('POST', '/v1/lockers', { body: lockerBody('L-state', { holdHours: 6 }) });
    expect(created.body.locker.holdHours).toBe(6);
    const lockers = new LockerDispatch(t.db.sql, t.redis.redis, logisticsKeys(t.redis.prefix), {
      circle: { walkSpeedMPerMin: 80, detourFactor: 1.3 },
      clock: new ManualClock('2025-06-01T08:00:00Z'),
    });
    // The nearest locker with a chilled M compartment: both lockers stand at one point, L-9 sorts first.
    const parcel = { size: 'S', temperature: 'chilled' } as const;
    const first = await lockers.reserve('o-1', LOCATION, 15, parcel);
    const second = await lockers.reserve('o-2', LOCATION, 15, parcel);
    const third = await lockers.reserve('o-3', LOCATION, 15, parcel);
    expect([first, second, third].map((r) => (r.kind === 'reserved' ? r.lockerId : r.kind))).toEqual([
      'L-9',
      'L-9',
      'L-state',
    ]);
    await lockers.deposit('o-3');
    const res = await t.request('GET', '/v1/lockers/L-state', { key: created.body.apiKey });
    expect(res.body.compartments.map((c: { state: string }) => c.state)).toEqual([
      'occupied',
      'free',
      'free',
    ]);
    expect(JSON.stringify(res.body)).not.toContain(third.kind === 'reserved' ? third.pickupCode : '?');
    expect(JSON.stringify(res.body)).not.toContain('o-3');
  });

  it('refuses a duplicate id, and names every invalid field', async () => {
    expect((await t.request('POST', '/v1/lockers', { body: lockerBody('L-dup') })).status).toBe(201);
    const again = await t.request('POST', '/v1/lockers', { body: lockerBody('L-dup') });
    expect(again.status).toBe(409);
    expect(again.body.error.issues).toEqual([{ path: 'id', message: expect.any(String) }]);

    const res = await t.request('POST', '/v1/lockers', {
      body: {
        id: 'L/1',
        location: { lat: 100, lng: 0 },
        compartments: [{ size: 'XL', temperature: 'warm', count: 0 }],
        holdHours: 0,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'compartments.0.count',
      'compartments.0.size',
      'compartments.0.temperature',
      'holdHours',
      'id',
      'location.lat',
    ]);
    const empty = await t.request('POST', '/v1/lockers', {
      body: lockerBody('L-empty', { compartments: [] }),
    });
    expect(empty.body.error.issues).toEqual([{ path: 'compartments', message: expect.any(String) }]);
    const huge = await t.request('POST', '/v1/lockers', {
      body: lockerBody('L-huge', { compartments: Array(11).fill({ size: 'S', count: 1000 }) }),
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.issues).toEqual([
      { path: 'compartments', message: expect.stringContaining('11000') },
    ]);
  });

  it('lets ops and the locker itself read it; other keys get 403, even for unknown ids', async () => {
    const mine = (await t.request('POST', '/v1/lockers', { body: lockerBody('L-a') })).body.apiKey;
    const other = (await t.request('POST', '/v1/lockers', { body: lockerBody('L-b') })).body.apiKey;
    const courier = (await t.request('POST', '/v1/couriers', { body: { id: 'c-1', vehicle: 'walk' } })).body
      .apiKey;
    expect((await t.request('GET', '/v1/lockers/L-a', { key: mine })).status).toBe(200);
    expect((await t.request('GET', '/v1/lockers/L-a', { key: other })).status).toBe(403);
    expect((await t.request('GET', '/v1/lockers/nope', { key: other })).status).toBe(403);
    expect((await t.request('GET', '/v1/lockers/L-a', { key: courier })).status).toBe(403);
    expect((await t.request('POST', '/v1/lockers', { key: mine, body: lockerBody('L-c') })).status).toBe(403);
    expect((await t.request('GET', '/v1/lockers/nope')).status).toBe(404);
  });
});
