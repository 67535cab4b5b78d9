import { loadConfig, type WorkerConfig, workerEnv } from '@quarterhour/config';
import { ManualClock } from '@quarterhour/domain';
import { FulfilmentJobs, logisticsKeys } from '@quarterhour/logistics';
import { createQueue, createRedisConnection, type TypedQueue } from '@quarterhour/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfilment } from '../service.ts';
import { addCourier, RecordingEvents } from './test-support.ts';

const SITE = { lat: 31.2304, lng: 121.4737 };

describe('fulfilment service: courier jobs end to end (real PostgreSQL, Redis and BullMQ)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let producer: Redis;
  let queue: TypedQueue<'fulfilment'>;
  let config: WorkerConfig;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    config = loadConfig(workerEnv, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'silent',
      WORKER_CONCURRENCY: '2',
    });
    producer = createRedisConnection(redis.url, { role: 'client' });
    queue = createQueue('fulfilment', { connection: producer, redisPrefix: redis.prefix });
  });

  afterAll(async () => {
    await queue.close();
    await producer.quit();
    await redis.cleanup();
    await db.drop();
  });

  it('assigns a courier from a queued job, tells the lifecycle, and counts the search in /metrics', async () => {
    const clock = new ManualClock('2025-06-01T08:00:00Z');
    const events = new RecordingEvents();
    events.want('o-1', SITE, 'elderly');
    await addCourier(db.sql, producer, logisticsKeys(redis.prefix), 'c-1', {
      lat: SITE.lat + 0.001,
      lng: SITE.lng,
    });
    const service = await startFulfilment(config, { logistics: { events, clock } });
    try {
      await new FulfilmentJobs(queue, clock).requestCourier('o-1', 'elderly');
      await events.seen('assigned o-1 c-1');
      // The deadline is armed after the lifecycle heard of the courier.
      await expect.poll(() => queue.queue.getJob('courier-pickup.o-1.c-1')).toBeDefined();
      const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      expect(text).toMatch(/courier_search_attempts_total\{outcome="assigned"\} 1/);
      expect(text).toMatch(/courier_wait_seconds_count 1/);
    } finally {
      await service.close();
    }
  });
});
