import { ManualClock } from '@quarterhour/domain';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LogisticsKeys, logisticsKeys } from '../keys.ts';
import { addCourier, CENTRE, loseRedis, offset } from '../test-support.ts';
import { type AssignResult, CourierDispatch } from './dispatch.ts';
import { CourierRegistry } from './registry.ts';

const PICKUP_TIMEOUT_MS = 10 * 60_000;

describe('CourierDispatch (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let testRedis: TestRedis;
  /** Several connections, so concurrent assignments really interleave. */
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
    // A fresh key space and fresh tables for each test: its own prefix, its own rows.
    run++;
    keys = logisticsKeys(`${testRedis.prefix}:${run}`);
    clock = new ManualClock('2025-06-01T08:00:00Z');
    await db.sql`truncate courier_assignments, couriers cascade`;
  });

  function dispatch(connection = connections[0]!, searchRadiusMeters = 3000) {
    return new CourierDispatch(db.sql, connection, keys, {
      searchRadiusMeters,
      pickupTimeoutMs: PICKUP_TIMEOUT_MS,
      clock,
    });
  }

  const redis = () => connections[0]!;

  /** Ten couriers of capacity 1, c-00 nearest the centre, 100 m apart going north. */
  async function tenCouriers(capacity = 1) {
    for (let i = 0; i < 10; i++) {
      await addCourier(db.sql, redis(), keys, {
        id: `c-${String(i).padStart(2, '0')}`,
        at: offset(CENTRE, 100 * (i + 1)),
        capacity,
      });
    }
  }

  /** Checks every invariant of held counts against the assignments, in Redis and PostgreSQL. */
  async function expectConsistent(capacity: number) {
    const couriers = await db.sql<{ id: string; active: number }[]>`
      select c.id, (select count(*)::int from courier_assignments a where a.courier_id = c.id and a.ended_at is null) as active
      from couriers c order by c.id`;
    for (const courier of couriers) {
      const held = Number(await redis().hget(keys.courier(courier.id), 'held'));
      expect(held, `held of ${courier.id}`).toBe(courier.active);
      expect(held, `held of ${courier.id}`).toBeLessThanOrEqual(capacity);
    }
    const perOrder = await db.sql<{ order_id: string; n: number }[]>`
      select order_id, count(*)::int as n from courier_assignments where ended_at is null group by order_id having count(*) > 1`;
    expect(perOrder).toEqual([]);
  }

  it('ranks available couriers with room by distance within the search radius', async () => {
    await addCourier(db.sql, redis(), keys, { id: 'far', at: offset(CENTRE, 2900) });
    await addCourier(db.sql, redis(), keys, { id: 'too-far', at: offset(CENTRE, 3100) });
    await addCourier(db.sql, redis(), keys, { id: 'near', at: offset(CENTRE, -200, 150) });
    await addCourier(db.sql, redis(), keys, { id: 'offline', at: offset(CENTRE, 10), status: 'offline' });
    await addCourier(db.sql, redis(), keys, { id: 'mid', at: offset(CENTRE, 0, 900) });
    const ranked = await dispatch().candidates(CENTRE);
    expect(ranked.map((c) => c.courierId)).toEqual(['near', 'mid', 'far']);
    expect(ranked[0]!.distanceMeters).toBeCloseTo(250, 0);

    const result = await dispatch().assign('o-1', CENTRE);
    expect(result).toMatchObject({ kind: 'assigned', courierId: 'near', fresh: true, waitedMs: 0 });
    // Moving a courier moves it in the index; going offline takes it out.
    const registry = new CourierRegistry(db.sql, redis(), keys);
    await registry.setLocation('too-far', offset(CENTRE, 50));
    await registry.setStatus('mid', 'offline');
    expect((await dispatch().candidates(CENTRE)).map((c) => c.courierId)).toEqual(['too-far', 'far']);
  });

  it('50 orders and 10 couriers of capacity 1: one courier per order at a time, never over capacity', async () => {
    await tenCouriers();
    const orders = Array.from({ length: 50 }, (_, i) => `o-${String(i).padStart(2, '0')}`);
    const servedBy = new Map<string, string>();
    let waiting = [...orders];
    for (let step = 0; waiting.length > 0; step++) {
      expect(step, 'every order is served within five rounds').toBeLessThan(5);
      // Everyone waiting asks at once, over four connections.
      const results = await Promise.all(
        waiting.map((orderId, i) => dispatch(connections[i % connections.length]!).assign(orderId, CENTRE)),
      );
      const assigned = results.flatMap((result, i) =>
        result.kind === 'assigned' ? [{ orderId: waiting[i]!, courierId: result.courierId }] : [],
      );
      expect(assigned).toHaveLength(Math.min(10, waiting.length));
      expect(new Set(assigned.map((a) => a.courierId)).size).toBe(assigned.length);
      await expectConsistent(1);

      // Asking again changes nothing: same courier, nothing counted twice.
      for (const { orderId, courierId } of assigned) {
        const again = await dispatch().assign(orderId, CENTRE);
        expect(again).toMatchObject({ kind: 'assigned', courierId, fresh: false });
        expect(servedBy.has(orderId)).toBe(false);
        servedBy.set(orderId, courierId);
      }
      await expectConsistent(1);

      // Deliveries free the couriers; released orders never get one again.
      await Promise.all(assigned.map(({ orderId }) => dispatch().release(orderId)));
      await expectConsistent(1);
      for (const { orderId } of assigned.slice(0, 3)) {
        expect(await dispatch().assign(orderId, CENTRE)).toEqual({ kind: 'closed' });
      }
      waiting = waiting.filter((orderId) => !servedBy.has(orderId));
    }
    expect(servedBy.size).toBe(50);
    const [row] = await db.sql<{ total: number }[]>`select count(*)::int as total from courier_assignments`;
    expect(row?.total).toBe(50);
    for (let i = 0; i < 10; i++) {
      expect(await redis().hget(keys.courier(`c-0${i}`), 'held')).toBe('0');
    }
  });

  it('fills a courier of capacity 3 to exactly 3 under concurrency', async () => {
    await addCourier(db.sql, redis(), keys, { id: 'big', at: offset(CENTRE, 300), capacity: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => dispatch(connections[i % 4]!).assign(`o-${i}`, CENTRE)),
    );
    expect(results.filter((r) => r.kind === 'assigned')).toHaveLength(3);
    await expectConsistent(3);
  });

  it('replaces a courier who did not pick up in time, never with the same courier', async () => {
    await tenCouriers();
    const seen: string[] = [];
    for (let round = 1; round <= 10; round++) {
      const result = await dispatch().assign('o-late', CENTRE);
      expect(result.kind).toBe('assigned');
      const { courierId, pickupDueAt } = result as Extract<AssignResult, { kind: 'assigned' }>;
      // The nearest courier not yet tried: c-00 first, and so on, though c-00 stays free and nearest.
      expect(courierId).toBe(`c-0${round - 1}`);
      expect(seen).not.toContain(courierId);
      seen.push(courierId);
      expect(pickupDueAt.getTime()).toBe(clock.now().getTime() + PICKUP_TIMEOUT_MS);

      clock.advance(PICKUP_TIMEOUT_MS - 1);
      expect(await dispatch().checkPickupTimeout('o-late', courierId)).toEqual({
        kind: 'not_due',
        dueAt: pickupDueAt,
      });
      clock.advance(1);
      expect(await dispatch().checkPickupTimeout('o-late', courierId)).toEqual({
        kind: 'timed_out',
        round: round + 1,
      });
      // A repeated job finds the same outcome, and nothing is released twice.
      expect(await dispatch().checkPickupTimeout('o-late', courierId)).toEqual({
        kind: 'timed_out',
        round: round + 1,
      });
      await expectConsistent(1);
      expect(await dispatch().markPickedUp('o-late', courierId)).toBe(false);
    }
    expect(await dispatch().assign('o-late', CENTRE)).toMatchObject({ kind: 'none' });
    // Everyone else may still have the couriers.
    expect(await dispatch().assign('o-other', CENTRE)).toMatchObject({ kind: 'assigned', courierId: 'c-00' });
    const ended = await db.sql`select courier_id from courier_assignments
                               where order_id = 'o-late' and end_reason = 'pickup_timeout'`;
    expect(ended).toHaveLength(10);
  });

  it('keeps a courier who picked up, and ignores deadlines of couriers who no longer hold the order', async () => {
    await tenCouriers();
    const first = await dispatch().assign('o-1', CENTRE);
    expect(first).toMatchObject({ kind: 'assigned', courierId: 'c-00' });
    expect(await dispatch().markPickedUp('o-1', 'c-01')).toBe(false);
    expect(await dispatch().markPickedUp('o-1', 'c-00')).toBe(true);
    clock.advance(PICKUP_TIMEOUT_MS * 2);
    expect(await dispatch().checkPickupTimeout('o-1', 'c-00')).toEqual({ kind: 'picked_up' });
    expect(await dispatch().checkPickupTimeout('o-1', 'c-05')).toEqual({ kind: 'stale' });
    expect(await dispatch().current('o-1')).toMatchObject({ courierId: 'c-00', pickedUp: true });
    expect(await dispatch().release('o-1')).toBe('c-00');
    expect(await dispatch().checkPickupTimeout('o-1', 'c-00')).toEqual({ kind: 'stale' });
    expect(await dispatch().release('o-1')).toBeNull();
    await expectConsistent(1);
  });

  it('a pickup racing its timeout: exactly one of them wins', async () => {
    await tenCouriers();
    for (let i = 0; i < 10; i++) {
      const orderId = `o-race-${i}`;
      const assigned = await dispatch().assign(orderId, CENTRE);
      const { courierId } = assigned as Extract<AssignResult, { kind: 'assigned' }>;
      clock.advance(PICKUP_TIMEOUT_MS);
      const [pickedUp, timeout] = await Promise.all([
        dispatch(connections[1]!).markPickedUp(orderId, courierId),
        dispatch(connections[2]!).checkPickupTimeout(orderId, courierId),
      ]);
      expect(pickedUp !== (timeout.kind === 'timed_out'), `${orderId}: ${pickedUp} ${timeout.kind}`).toBe(
        true,
      );
      expect(timeout.kind).toBe(pickedUp ? 'picked_up' : 'timed_out');
      await dispatch().release(orderId);
    }
    await expectConsistent(1);
  });

  it('measures the wait on the clock from the first fruitless search', async () => {
    expect(await dispatch().assign('o-wait', CENTRE)).toEqual({ kind: 'none', waitedMs: 0 });
    clock.advance(30_000);
    expect(await dispatch().assign('o-wait', CENTRE)).toEqual({ kind: 'none', waitedMs: 30_000 });
    await addCourier(db.sql, redis(), keys, { id: 'c-new', at: offset(CENTRE, 500) });
    clock.advance(10_000);
    expect(await dispatch().assign('o-wait', CENTRE)).toMatchObject({
      kind: 'assigned',
      courierId: 'c-new',
      waitedMs: 40_000,
    });
  });

  it('a cancel before any courier was found stops the search for good', async () => {
    expect(await dispatch().release('o-cancelled')).toBeNull();
    await addCourier(db.sql, redis(), keys, { id: 'c-1', at: offset(CENTRE, 100) });
    expect(await dispatch().assign('o-cancelled', CENTRE)).toEqual({ kind: 'closed' });
    expect(await redis().hget(keys.courier('c-1'), 'held')).toBe('0');
  });

  it('rebuilds held counts, assignments and exclusions from PostgreSQL after Redis lost them', async () => {
    await addCourier(db.sql, redis(), keys, { id: 'a', at: offset(CENTRE, 100) });
    await addCourier(db.sql, redis(), keys, { id: 'b', at: offset(CENTRE, 200), capacity: 2 });
    await addCourier(db.sql, redis(), keys, { id: 'c', at: offset(CENTRE, 300) });
    expect(await dispatch().assign('o-1', CENTRE)).toMatchObject({ courierId: 'a' });
    clock.advance(PICKUP_TIMEOUT_MS);
    expect(await dispatch().checkPickupTimeout('o-1', 'a')).toMatchObject({ kind: 'timed_out' });
    expect(await dispatch().assign('o-1', CENTRE)).toMatchObject({ courierId: 'b' });
    expect(await dispatch().assign('o-2', CENTRE)).toMatchObject({ courierId: 'a' });
    expect(await dispatch().assign('o-3', CENTRE)).toMatchObject({ courierId: 'b' });

    await loseRedis(redis(), `${testRedis.prefix}:${run}`);

    // Same answers as before the loss: o-1 keeps b and still excludes a; a and b are full.
    expect(await dispatch().assign('o-1', CENTRE)).toMatchObject({ courierId: 'b', fresh: false });
    expect(await dispatch().assign('o-4', CENTRE)).toMatchObject({ courierId: 'c' });
    expect(await dispatch().assign('o-5', CENTRE)).toMatchObject({ kind: 'none' });
    await expectConsistent(2);
    expect(await redis().hget(keys.courier('b'), 'held')).toBe('2');
    expect(await redis().sismember(keys.courierExcluded('o-1'), 'a')).toBe(1);
  });
});
