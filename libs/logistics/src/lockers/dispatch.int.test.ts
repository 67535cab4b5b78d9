import { ManualClock } from '@quarterhour/domain';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ParcelSpec } from '../compartments.ts';
import { type LogisticsKeys, logisticsKeys } from '../keys.ts';
import { addLocker, CENTRE, loseRedis, offset } from '../test-support.ts';
import { LockerDispatch, type ReserveResult } from './dispatch.ts';
import { LockerRegistry } from './registry.ts';

const CIRCLE = { walkSpeedMPerMin: 80, detourFactor: 1.3 };
const S_AMBIENT: ParcelSpec = { size: 'S', temperature: 'ambient' };
const MINUTE = 60_000;

type Reserved = Extract<ReserveResult, { kind: 'reserved' }>;

describe('LockerDispatch (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let testRedis: TestRedis;
  let connections: Redis[];
  let keys: LogisticsKeys;
  let clock: ManualClock;
  let run = 0;

  beforeAll(async () => {
    [db, testRedis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    connections = Array.from({ length: 4 }, () => new Redis(testRedis.url, { maxRetriesPerRequest: 1 }));
  });

  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await testRedis.cleanup();
    await db.drop();
  });

  beforeEach(async () => {
    run++;
    keys = logisticsKeys(`${testRedis.prefix}:${run}`);
    clock = new ManualClock('2025-06-01T08:00:00Z');
    await db.sql`truncate lockers cascade`;
  });

  const redis = () => connections[0]!;

  function dispatch(options: { connection?: Redis; newCode?: () => string } = {}) {
    return new LockerDispatch(db.sql, options.connection ?? redis(), keys, {
      circle: CIRCLE,
      clock,
      newCode: options.newCode,
    });
  }

  async function reserved(orderId: string, parcel = S_AMBIENT, at = CENTRE, maxWalk = 15): Promise<Reserved> {
    const result = await dispatch().reserve(orderId, at, maxWalk, parcel);
    expect(result.kind, `reservation of ${orderId}`).toBe('reserved');
    return result as Reserved;
  }

  async function states(lockerId: string) {
    const locker = await new LockerRegistry(db.sql, redis(), keys).get(lockerId);
    return locker!.compartments.map((c) => `${c.number}${c.size}${c.temperature[0]}:${c.state}`);
  }

  it('reserves at the nearest locker in the circle, the smallest fitting size of the right temperature', async () => {
    // 15 minutes' walk is 923 m in a straight line; 5 minutes is 307 m.
    await addLocker(db.sql, redis(), keys, {
      id: 'L-far',
      location: offset(CENTRE, 900),
      compartments: [{ size: 'S', count: 2 }],
    });
    await addLocker(db.sql, redis(), keys, {
      id: 'L-out',
      location: offset(CENTRE, 0, 950),
      compartments: [{ size: 'S', count: 5 }],
    });
    await addLocker(db.sql, redis(), keys, {
      id: 'L-near',
      location: offset(CENTRE, 200),
      compartments: [
        { size: 'L', count: 1 },
        { size: 'M', count: 1 },
        { size: 'S', temperature: 'chilled', count: 1 },
        { size: 'S', count: 1 },
      ],
    });

    const first = await reserved('o-1');
    expect(first).toMatchObject({ lockerId: 'L-near', compartment: 4, size: 'S', temperature: 'ambient' });
    expect(first.pickupCode).toMatch(/^\d{6}$/);
    expect(first.distanceMeters).toBeCloseTo(200, 0);
    expect(first.walkMinutes).toBeCloseTo(3.25, 2);
    // S is gone, so M, then L; a chilled S never takes an ambient parcel, nor the reverse.
    expect(await reserved('o-2')).toMatchObject({ lockerId: 'L-near', compartment: 2, size: 'M' });
    expect(await reserved('o-3')).toMatchObject({ lockerId: 'L-near', compartment: 1, size: 'L' });
    expect(await reserved('o-4')).toMatchObject({ lockerId: 'L-far', compartment: 1, size: 'S' });
    expect(await reserved('o-5', { size: 'S', temperature: 'chilled' })).toMatchObject({
      lockerId: 'L-near',
      compartment: 3,
    });
    expect(await dispatch().reserve('o-6', CENTRE, 15, { size: 'S', temperature: 'chilled' })).toEqual({
      kind: 'none',
    });
    // A shorter walk leaves out the far locker: nothing left within 5 minutes.
    expect(await dispatch().reserve('o-7', CENTRE, 5, S_AMBIENT)).toEqual({ kind: 'none' });
    expect(await dispatch().reserve('o-8', CENTRE, 15, { size: 'L', temperature: 'ambient' })).toEqual({
      kind: 'none',
    });

    // Asking again returns what the order holds.
    expect(await dispatch().reserve('o-1', CENTRE, 15, S_AMBIENT)).toEqual(first);
    expect(await states('L-near')).toEqual(['1La:reserved', '2Ma:reserved', '3Sc:reserved', '4Sa:reserved']);
    expect(await states('L-out')).toEqual(Array.from({ length: 5 }, (_, i) => `${i + 1}Sa:free`));
  });

  it('gives the last free compartment to exactly one of many parallel reservations', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: offset(CENTRE, 100),
      compartments: [{ size: 'M', count: 1 }],
    });
    for (let round = 0; round < 10; round++) {
      const orders = [`a-${round}`, `b-${round}`, `c-${round}`, `d-${round}`];
      const results = await Promise.all(
        orders.map((orderId, i) =>
          dispatch({ connection: connections[i]! }).reserve(orderId, CENTRE, 15, S_AMBIENT),
        ),
      );
      expect(results.filter((r) => r.kind === 'reserved')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'none')).toHaveLength(3);
      const winner = orders[results.findIndex((r) => r.kind === 'reserved')]!;
      expect(await dispatch().release(winner)).toBe(true);
      expect(await dispatch().release(winner)).toBe(false);
    }
    expect(await states('L-1')).toEqual(['1Ma:free']);
  });

  it('collects with the right code and frees the compartment', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      compartments: [{ size: 'S', count: 1 }],
    });
    const parcel = await reserved('o-1');
    expect(await dispatch().collect('L-1', parcel.pickupCode)).toEqual({
      kind: 'not_deposited',
      orderId: 'o-1',
    });
    const deposited = await dispatch().deposit('o-1');
    expect(deposited).toEqual({
      lockerId: 'L-1',
      compartment: 1,
      expiresAt: new Date(clock.now().getTime() + 48 * 3600_000),
    });
    expect(await states('L-1')).toEqual(['1Sa:occupied']);
    expect(await dispatch().parcelOf('o-1')).toMatchObject({
      state: 'occupied',
      pickupCode: parcel.pickupCode,
    });

    expect(await dispatch().collect('L-1', parcel.pickupCode)).toEqual({ kind: 'collected', orderId: 'o-1' });
    expect(await states('L-1')).toEqual(['1Sa:free']);
    expect(await dispatch().parcelOf('o-1')).toBeNull();
    // The code is retired with the parcel; the compartment is free for the next order.
    expect(await dispatch().collect('L-1', parcel.pickupCode)).toMatchObject({ kind: 'wrong_code' });
    expect(await reserved('o-2')).toMatchObject({ lockerId: 'L-1', compartment: 1 });
  });

  it('locks a locker after 5 wrong codes within 15 minutes, for 15 minutes of the clock', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      compartments: [{ size: 'S', count: 1 }],
    });
    await addLocker(db.sql, redis(), keys, {
      id: 'L-2',
      location: offset(CENTRE, 50),
      compartments: [{ size: 'S', count: 1 }],
    });
    const parcel = await reserved('o-1');
    await dispatch().deposit('o-1');
    const wrong = parcel.pickupCode === '000000' ? '000001' : '000000';

    for (let tries = 4; tries >= 1; tries--) {
      expect(await dispatch().collect('L-1', wrong)).toEqual({ kind: 'wrong_code', triesLeft: tries });
      clock.advance(2 * MINUTE);
    }
    const lockedAt = clock.now().getTime();
    expect(await dispatch().collect('L-1', wrong)).toEqual({
      kind: 'locked',
      until: new Date(lockedAt + 15 * MINUTE),
      retryAfterSeconds: 900,
    });
    // Even the right code is refused while locked; another locker is not affected.
    clock.advance(10 * MINUTE);
    expect(await dispatch().collect('L-1', parcel.pickupCode)).toEqual({
      kind: 'locked',
      until: new Date(lockedAt + 15 * MINUTE),
      retryAfterSeconds: 300,
    });
    expect(await dispatch().collect('L-2', wrong)).toEqual({ kind: 'wrong_code', triesLeft: 4 });

    clock.advance(5 * MINUTE);
    expect(await dispatch().collect('L-1', parcel.pickupCode)).toEqual({ kind: 'collected', orderId: 'o-1' });
    // The lockout cleared the count: four more wrong codes do not lock again.
    for (let i = 0; i < 4; i++)
      expect(await dispatch().collect('L-1', wrong)).toMatchObject({ kind: 'wrong_code' });
  });

  it('does not lock after 5 wrong codes spread over 20 minutes', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      compartments: [{ size: 'S', count: 1 }],
    });
    const parcel = await reserved('o-1');
    await dispatch().deposit('o-1');
    const wrong = parcel.pickupCode === '123456' ? '654321' : '123456';
    const seen = [];
    for (let i = 0; i < 5; i++) {
      seen.push(await dispatch().collect('L-1', wrong));
      clock.advance(5 * MINUTE);
    }
    // At 0, 5, 10, 15 and 20 minutes: the one at 0 is out of the window by the fourth.
    expect(seen.map((r) => r.kind)).toEqual(Array(5).fill('wrong_code'));
    expect(seen.map((r) => (r.kind === 'wrong_code' ? r.triesLeft : -1))).toEqual([4, 3, 2, 2, 2]);
    expect(await dispatch().collect('L-1', parcel.pickupCode)).toEqual({ kind: 'collected', orderId: 'o-1' });
  });

  it('expires a deposited parcel once its hold time has passed on the clock', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      holdHours: 2,
      compartments: [{ size: 'S', count: 1 }],
    });
    await reserved('o-1');
    expect(await dispatch().expire('o-1')).toEqual({ kind: 'not_deposited' });
    const { expiresAt } = (await dispatch().deposit('o-1'))!;
    clock.advance(30 * MINUTE);
    // Depositing again keeps the first hold time.
    expect((await dispatch().deposit('o-1'))!.expiresAt).toEqual(expiresAt);
    clock.set(expiresAt.getTime() - 1);
    expect(await dispatch().expire('o-1')).toEqual({ kind: 'not_due', expiresAt });
    clock.set(expiresAt);
    expect(await dispatch().expire('o-1')).toEqual({ kind: 'expired', lockerId: 'L-1', compartment: 1 });
    expect(await dispatch().expire('o-1')).toEqual({ kind: 'none' });
    expect(await states('L-1')).toEqual(['1Sa:free']);
    expect(await reserved('o-2')).toMatchObject({ compartment: 1 });
  });

  it('keeps pickup codes unique among a locker’s active parcels (a code space of two)', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      compartments: [{ size: 'S', count: 3 }],
    });
    await addLocker(db.sql, redis(), keys, {
      id: 'L-2',
      location: offset(CENTRE, 100),
      compartments: [{ size: 'S', count: 1 }],
    });
    let flip = 0;
    const tiny = () => (flip++ % 3 === 0 ? '111111' : '222222');
    const reserve = (orderId: string) => dispatch({ newCode: tiny }).reserve(orderId, CENTRE, 15, S_AMBIENT);

    const a = (await reserve('o-a')) as Reserved;
    const b = (await reserve('o-b')) as Reserved;
    expect([a.lockerId, b.lockerId]).toEqual(['L-1', 'L-1']);
    expect(new Set([a.pickupCode, b.pickupCode])).toEqual(new Set(['111111', '222222']));
    // L-1 has a free compartment but no free code: the next locker takes it, with a code of its own.
    expect(await reserve('o-c')).toMatchObject({ kind: 'reserved', lockerId: 'L-2' });
    expect(await reserve('o-d')).toEqual({ kind: 'none' });
    // Once a's parcel is gone its code is free again.
    expect(await dispatch().release('o-a')).toBe(true);
    const d = (await reserve('o-d')) as Reserved;
    expect(d).toMatchObject({ lockerId: 'L-1', pickupCode: a.pickupCode });
    const codes =
      await db.sql`select locker_id, pickup_code from locker_compartments where pickup_code is not null
                               order by locker_id, pickup_code`;
    expect(codes.filter((row) => row.locker_id === 'L-1').map((row) => row.pickup_code)).toEqual([
      '111111',
      '222222',
    ]);
  });

  it('rebuilds compartments, parcels and codes from PostgreSQL after Redis lost them', async () => {
    await addLocker(db.sql, redis(), keys, {
      id: 'L-1',
      location: CENTRE,
      compartments: [{ size: 'S', count: 3 }],
    });
    const kept = await reserved('o-1');
    await dispatch().deposit('o-1');
    await reserved('o-2');
    await reserved('o-3');
    await dispatch().release('o-3');

    await loseRedis(redis(), `${testRedis.prefix}:${run}`);

    expect(await dispatch().reserve('o-2', CENTRE, 15, S_AMBIENT)).toMatchObject({
      kind: 'reserved',
      compartment: 2,
    });
    expect(await reserved('o-4')).toMatchObject({ compartment: 3 });
    expect(await dispatch().reserve('o-5', CENTRE, 15, S_AMBIENT)).toEqual({ kind: 'none' });
    expect(await dispatch().collect('L-1', kept.pickupCode)).toEqual({ kind: 'collected', orderId: 'o-1' });
    expect(await states('L-1')).toEqual(['1Sa:free', '2Sa:reserved', '3Sa:reserved']);
  });
});
