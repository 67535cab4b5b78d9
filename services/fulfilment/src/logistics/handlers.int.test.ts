import { ManualClock } from '@quarterhour/domain';
import {
  CourierDispatch,
  FulfilmentJobs,
  LockerDispatch,
  LockerRegistry,
  type LogisticsKeys,
  logisticsKeys,
} from '@quarterhour/logistics';
import { createQueue, createRedisConnection, type JobContext, type TypedQueue } from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logisticsHandlers, NoCourierYetError } from './handlers.ts';
import type { SearchOutcome } from './metrics.ts';
import { addCourier, RecordingEvents } from './test-support.ts';

const SITE = { lat: 31.2304, lng: 121.4737 };
/** About 111 m north of the site per 0.001 degree. */
const north = (degrees: number) => ({ lat: SITE.lat + degrees, lng: SITE.lng });
const PICKUP_TIMEOUT_MS = 600_000;
const logger = createLogger({ service: 'fulfilment-test', level: 'silent' });

describe('courier and locker job handlers (real PostgreSQL, Redis and BullMQ)', () => {
  let db: TestDatabase;
  let testRedis: TestRedis;
  let producer: Redis;
  let queue: TypedQueue<'fulfilment'>;
  let keys: LogisticsKeys;
  let clock: ManualClock;
  let events: RecordingEvents;
  let metrics: { attempts: SearchOutcome[]; waits: number[] };
  let handlers: ReturnType<typeof logisticsHandlers>;
  let run = 0;

  beforeAll(async () => {
    [db, testRedis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    producer = createRedisConnection(testRedis.url, { role: 'client' });
    queue = createQueue('fulfilment', { connection: producer, redisPrefix: testRedis.prefix });
  });

  afterAll(async () => {
    await queue.close();
    await producer.quit();
    await testRedis.cleanup();
    await db.drop();
  });

  beforeEach(async () => {
    run++;
    keys = logisticsKeys(`${testRedis.prefix}:${run}`);
    clock = new ManualClock('2025-06-01T08:00:00Z');
    events = new RecordingEvents();
    metrics = { attempts: [], waits: [] };
    await queue.queue.obliterate({ force: true });
    await db.sql`truncate courier_assignments, couriers, lockers cascade`;
    handlers = logisticsHandlers({
      couriers: new CourierDispatch(db.sql, producer, keys, {
        searchRadiusMeters: 3000,
        pickupTimeoutMs: PICKUP_TIMEOUT_MS,
        clock,
      }),
      lockers: new LockerDispatch(db.sql, producer, keys, {
        circle: { walkSpeedMPerMin: 80, detourFactor: 1.3 },
        clock,
      }),
      jobs: new FulfilmentJobs(queue, clock),
      events,
      clock,
      metrics: {
        recordAttempt: (outcome) => metrics.attempts.push(outcome),
        recordWait: (seconds) => metrics.waits.push(seconds),
      },
    });
  });

  /** What a worker passes a handler, for attempt `attempt` of `attempts`. */
  function context(attempt = 1, attempts = 160) {
    const delayedTo: number[] = [];
    const job = {
      attemptsMade: attempt - 1,
      opts: { attempts },
      token: 'test-token',
      moveToDelayed: async (at: number) => {
        delayedTo.push(at);
      },
    } as unknown as Job;
    const ctx: JobContext = { job, signal: undefined, logger };
    return { ctx, delayedTo };
  }

  it('assigns the nearest courier, tells the lifecycle, and arms the pickup deadline with the order’s priority', async () => {
    await addCourier(db.sql, producer, keys, 'c-far', north(0.01));
    await addCourier(db.sql, producer, keys, 'c-near', north(0.002));
    events.want('o-1', SITE, 'elderly');
    await handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context().ctx);

    expect(events.calls).toEqual(['assigned o-1 c-near 222m']);
    expect(metrics).toEqual({ attempts: ['assigned'], waits: [0] });
    const timer = await queue.queue.getJob('courier-pickup.o-1.c-near');
    expect(timer?.opts).toMatchObject({ delay: PICKUP_TIMEOUT_MS, priority: 1 });

    // A retry of the same job (it died after assigning) changes nothing and arms nothing twice.
    await handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context(2).ctx);
    expect(await producer.hget(keys.courier('c-near'), 'held')).toBe('1');
    expect(metrics.waits).toEqual([0]);
    expect(await queue.queue.getJobCounts('delayed')).toEqual({ delayed: 1 });
  });

  it('retries while no courier is free, telling the lifecycle on the first and the last attempt', async () => {
    events.want('o-1', SITE);
    const attempt = (n: number) =>
      handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context(n, 4).ctx);

    const first = attempt(1);
    await expect(first).rejects.toBeInstanceOf(NoCourierYetError);
    await expect(first).rejects.not.toBeInstanceOf(UnrecoverableError);
    clock.advance(5000);
    await expect(attempt(2)).rejects.toBeInstanceOf(NoCourierYetError);
    clock.advance(5000);
    await expect(attempt(3)).rejects.toBeInstanceOf(NoCourierYetError);
    expect(events.calls).toEqual(['unavailable o-1 attempt 1 waited 0s']);

    await addCourier(db.sql, producer, keys, 'c-1', north(0.001));
    clock.advance(10_000);
    await attempt(4);
    expect(events.calls).toEqual(['unavailable o-1 attempt 1 waited 0s', 'assigned o-1 c-1 111m']);
    expect(metrics).toEqual({ attempts: ['none', 'none', 'none', 'assigned'], waits: [20] });
  });

  it('says so on the last attempt when no courier came at all, and searches on in a new round', async () => {
    events.want('o-1', SITE);
    clock.advance(0);
    await expect(
      handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context(1, 2).ctx),
    ).rejects.toBeInstanceOf(NoCourierYetError);
    clock.advance(7000);
    // The last attempt of the round does not fail for good: it starts round 2, later.
    await handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context(2, 2).ctx);
    expect(events.calls).toEqual([
      'unavailable o-1 attempt 1 waited 0s',
      'unavailable o-1 attempt 2 waited 7s final',
    ]);
    const next = await queue.queue.getJob('courier-assign.o-1.2');
    expect(next?.data).toEqual({ orderId: 'o-1', round: 2 });
    expect(next?.opts.delay).toBeGreaterThan(0);
  });

  it('stops for an order that no longer wants a courier, and gives back one it no longer wants', async () => {
    await addCourier(db.sql, producer, keys, 'c-1', north(0.001));
    await handlers.courierAssignment({ orderId: 'o-gone', round: 1 }, context().ctx);
    expect(events.calls).toEqual([]);
    expect(metrics.attempts).toEqual(['abandoned']);

    events.want('o-cancelled', SITE);
    events.wantsCourier = false;
    await handlers.courierAssignment({ orderId: 'o-cancelled', round: 1 }, context().ctx);
    expect(events.calls).toEqual(['assigned o-cancelled c-1 111m']);
    expect(await producer.hget(keys.courier('c-1'), 'held')).toBe('0');
    // The release closed the order: a retry assigns nobody.
    await handlers.courierAssignment({ orderId: 'o-cancelled', round: 1 }, context(2).ctx);
    expect(metrics.attempts).toEqual(['abandoned', 'assigned', 'closed']);
    // The deadline armed before the lifecycle answered finds the courier released: nothing happens.
    expect(await queue.queue.getJob('courier-pickup.o-cancelled.c-1')).toBeDefined();
    clock.advance(PICKUP_TIMEOUT_MS);
    await handlers.courierPickupTimeout({ orderId: 'o-cancelled', courierId: 'c-1' }, context().ctx);
    expect(events.calls).toEqual(['assigned o-cancelled c-1 111m']);
    expect(await producer.hget(keys.courier('c-1'), 'held')).toBe('0');
  });

  it('a run that dies once the lifecycle has the courier still leaves the pickup deadline armed', async () => {
    await addCourier(db.sql, producer, keys, 'c-1', north(0.001));
    events.want('o-1', SITE);
    const recorded = events.onCourierAssigned.bind(events);
    // The lifecycle commits courier_assigned, then the process dies before the job goes on.
    events.onCourierAssigned = async (...args) => {
      await recorded(...args);
      events.targets.delete('o-1');
      throw new Error('killed');
    };
    await expect(handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context().ctx)).rejects.toThrow(
      'killed',
    );
    // The rerun finds the order no longer waiting for a courier and stops.
    await handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context(2).ctx);
    expect(metrics.attempts).toEqual(['assigned', 'abandoned']);
    expect((await queue.queue.getJob('courier-pickup.o-1.c-1'))?.data).toEqual({
      orderId: 'o-1',
      courierId: 'c-1',
    });
  });

  it('replaces a courier who did not pick up in time, with another courier, in a new round', async () => {
    await addCourier(db.sql, producer, keys, 'c-1', north(0.001));
    await addCourier(db.sql, producer, keys, 'c-2', north(0.002));
    events.want('o-1', SITE, 'child');
    await handlers.courierAssignment({ orderId: 'o-1', round: 1 }, context().ctx);

    // Early (Redis's timer ran ahead of our clock): put back until the deadline.
    clock.advance(PICKUP_TIMEOUT_MS - 1000);
    const early = context();
    await expect(
      handlers.courierPickupTimeout({ orderId: 'o-1', courierId: 'c-1' }, early.ctx),
    ).rejects.toBeInstanceOf(DelayedError);
    expect(early.delayedTo).toEqual([new Date('2025-06-01T08:10:00Z').getTime()]);

    clock.advance(1000);
    await handlers.courierPickupTimeout({ orderId: 'o-1', courierId: 'c-1' }, context().ctx);
    expect(events.calls).toEqual(['assigned o-1 c-1 111m', 'timed out o-1 c-1']);
    const next = await queue.queue.getJob('courier-assign.o-1.2');
    expect(next?.data).toEqual({ orderId: 'o-1', round: 2 });
    expect(next?.opts.priority).toBe(1);

    await handlers.courierAssignment({ orderId: 'o-1', round: 2 }, context().ctx);
    expect(events.calls.at(-1)).toBe('assigned o-1 c-2 222m');
    // The same timer again (a retry): the lifecycle hears it again and ignores it, since the
    // order has moved on; the new courier keeps the order.
    await handlers.courierPickupTimeout({ orderId: 'o-1', courierId: 'c-1' }, context(2).ctx);
    expect(events.calls.filter((line) => line.startsWith('timed out'))).toHaveLength(2);
    expect(await producer.hget(keys.courier('c-2'), 'held')).toBe('1');
  });

  it('expires a parcel when its hold time has passed, not before', async () => {
    const registry = new LockerRegistry(db.sql, producer, keys);
    await db.sql.begin((tx) =>
      registry.insert(tx, {
        id: 'L-1',
        location: north(0.001),
        holdHours: 1,
        compartments: [{ size: 'S', temperature: 'ambient', count: 1 }],
      }),
    );
    await registry.publish('L-1');
    const lockers = new LockerDispatch(db.sql, producer, keys, {
      circle: { walkSpeedMPerMin: 80, detourFactor: 1.3 },
      clock,
    });
    expect(await lockers.reserve('o-1', SITE, 15, { size: 'S', temperature: 'ambient' })).toMatchObject({
      kind: 'reserved',
    });
    const { expiresAt } = (await lockers.deposit('o-1'))!;

    const early = context();
    await expect(
      handlers.lockerHoldExpiry({ orderId: 'o-1', lockerId: 'L-1' }, early.ctx),
    ).rejects.toBeInstanceOf(DelayedError);
    expect(early.delayedTo).toEqual([expiresAt.getTime()]);
    expect(events.calls).toEqual([]);

    clock.set(expiresAt);
    await handlers.lockerHoldExpiry({ orderId: 'o-1', lockerId: 'L-1' }, context().ctx);
    expect(events.calls).toEqual(['expired o-1']);
    expect((await registry.get('L-1'))?.compartments[0]?.state).toBe('free');
    // Run again (it died before telling the lifecycle): told again, nothing else changes.
    await handlers.lockerHoldExpiry({ orderId: 'o-1', lockerId: 'L-1' }, context(2).ctx);
    expect(events.calls).toEqual(['expired o-1', 'expired o-1']);
  });
});
