import type { WorkerConfig } from '@quarterhour/config';
import { ManualClock } from '@quarterhour/domain';
import { FulfilmentJobs, logisticsKeys } from '@quarterhour/logistics';
import type { TypedQueue } from '@quarterhour/queue';
import { createWorkerTestEnv, type WorkerTestEnv } from '@quarterhour/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfilment } from '../service.ts';
import { addCourier, RecordingEvents } from './test-support.ts';

const SITE = { lat: 31.2304, lng: 121.4737 };

describe('fulfilment service: courier jobs end to end (real PostgreSQL, Redis and BullMQ)', () => {
  let env: WorkerTestEnv;
  let queue: TypedQueue<'fulfilment'>;
  let config: WorkerConfig;

  beforeAll(async () => {
    env = await createWorkerTestEnv();
    config = env.config({ WORKER_CONCURRENCY: '2' });
    queue = env.queue('fulfilment');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('assigns a courier from a queued job, tells the lifecycle, and counts the search in /metrics', async () => {
    const clock = new ManualClock('2025-06-01T08:00:00Z');
    const events = new RecordingEvents();
    events.want('o-1', SITE, 'elderly');
    await addCourier(env.db.sql, env.producer, logisticsKeys(env.redis.prefix), 'c-1', {
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
