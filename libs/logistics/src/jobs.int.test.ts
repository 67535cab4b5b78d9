import { ManualClock } from '@quarterhour/domain';
import {
  createQueue,
  createQueueWorker,
  createRedisConnection,
  type QueueWorker,
  type TypedQueue,
} from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import { createTestRedis, type TestRedis } from '@quarterhour/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { courierSearchListener, FulfilmentJobs, jobPriority } from './jobs.ts';

const logger = createLogger({ service: 'logistics-test', level: 'silent' });

describe('fulfilment jobs (real Redis and BullMQ)', () => {
  let redis: TestRedis;
  let producer: Redis;
  let workerConnection: Redis;
  let queue: TypedQueue<'fulfilment'>;
  let worker: QueueWorker | undefined;
  const clock = new ManualClock('2025-06-01T08:00:00Z');

  beforeAll(async () => {
    redis = await createTestRedis();
    producer = createRedisConnection(redis.url, { role: 'client' });
    workerConnection = createRedisConnection(redis.url, { role: 'worker' });
    queue = createQueue('fulfilment', { connection: producer, redisPrefix: redis.prefix });
  });

  afterEach(async () => {
    await worker?.close(5000);
    worker = undefined;
    await queue.queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await queue.close();
    await Promise.all([producer.quit(), workerConnection.quit()]);
    await redis.cleanup();
  });

  /** Works the queue one job at a time, recording the order ids in the order taken. */
  function record(): { taken: string[]; done: Promise<void>; expect: (n: number) => void } {
    const taken: string[] = [];
    let finish = () => {};
    let wanted = Number.POSITIVE_INFINITY;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const note = async (data: { orderId: string }) => {
      taken.push(data.orderId);
      if (taken.length >= wanted) finish();
    };
    worker = createQueueWorker({
      queue: 'fulfilment',
      connection: workerConnection,
      redisPrefix: redis.prefix,
      concurrency: 1,
      logger,
      handlers: { courierAssignment: note, courierPickupTimeout: note, lockerHoldExpiry: note },
    });
    return {
      taken,
      done,
      expect: (n) => {
        wanted = n;
        if (taken.length >= n) finish();
      },
    };
  }

  it('serves elderly and child orders before standard ones, whatever came first', async () => {
    await queue.queue.pause();
    const jobs = new FulfilmentJobs(queue, clock);
    await jobs.requestCourier('std-1', 'standard');
    await jobs.requestCourier('eld-1', 'elderly');
    await jobs.scheduleLockerExpiry('std-2', 'L-1', 'standard', clock.now());
    await jobs.requestCourier('chd-1', 'child');
    await jobs.schedulePickupTimeout('eld-2', 'c-1', 'elderly', clock.now());
    await jobs.requestCourier('std-3', 'standard');

    const run = record();
    run.expect(6);
    await queue.queue.resume();
    await run.done;
    expect(run.taken).toEqual(['eld-1', 'chd-1', 'eld-2', 'std-1', 'std-2', 'std-3']);
  });

  it('never leaves standard work without a priority, which BullMQ would run first', () => {
    expect(jobPriority('standard')).toBeGreaterThan(0);
    expect(jobPriority('elderly')).toBeLessThan(jobPriority('standard'));
    expect(jobPriority('child')).toBe(jobPriority('elderly'));
  });

  it('delays timers by the clock and adds each job once', async () => {
    const jobs = new FulfilmentJobs(queue, clock);
    const dueAt = new Date(clock.now().getTime() + 90_000);
    await jobs.schedulePickupTimeout('o-1', 'c-1', 'standard', dueAt);
    await jobs.schedulePickupTimeout('o-1', 'c-1', 'standard', dueAt);
    await jobs.scheduleLockerExpiry('o-2', 'L-1', 'child', new Date(clock.now().getTime() - 1000));
    await jobs.requestCourier('o-3', 'standard');
    await jobs.requestCourier('o-3', 'standard');
    await jobs.requestCourier('o-3', 'standard', 2);

    const timeout = await queue.queue.getJob('courier-pickup.o-1.c-1');
    expect(timeout?.opts).toMatchObject({ delay: 90_000, priority: 2 });
    expect((await queue.queue.getJob('locker-expiry.o-2'))?.opts).toMatchObject({ delay: 0, priority: 1 });
    expect(await queue.queue.getJobCounts('delayed', 'prioritized')).toEqual({ delayed: 1, prioritized: 3 });
    expect(await queue.queue.getJob('courier-assign.o-3.2')).toBeDefined();
  });

  it('starts the courier search of delivery orders once accepted, and of nothing else', async () => {
    const errors: string[] = [];
    const listener = courierSearchListener(new FulfilmentJobs(queue, clock), (_error, orderId) =>
      errors.push(orderId),
    );
    await listener.afterCommit([
      { orderId: 'o-del', status: 'accepted', order: { fulfilment: 'delivery', priority: 'elderly' } },
      { orderId: 'o-lock', status: 'accepted', order: { fulfilment: 'locker', priority: 'standard' } },
      { orderId: 'o-asg', status: 'assigned', order: { fulfilment: 'delivery', priority: 'standard' } },
      // An id a job may not carry: the listener reports it and goes on.
      { orderId: 'bad:id', status: 'accepted', order: { fulfilment: 'delivery', priority: 'standard' } },
      { orderId: 'o-del2', status: 'accepted', order: { fulfilment: 'delivery', priority: 'standard' } },
    ]);
    const waiting = await queue.queue.getJobs(['prioritized', 'waiting']);
    expect(waiting.map((job) => [job.id, job.opts.priority]).sort()).toEqual([
      ['courier-assign.o-del.1', 1],
      ['courier-assign.o-del2.1', 2],
    ]);
    expect(errors).toEqual(['bad:id']);
  });
});
