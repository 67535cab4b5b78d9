import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, startTelemetry, type Telemetry } from '@quarterhour/telemetry';
import { createTestRedis, type TestRedis } from '@quarterhour/testkit';
import type { Job } from 'bullmq';
import express from 'express';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './connection.ts';
import type { JobData } from './jobs.ts';
import { createQueue, type TypedQueue } from './producer.ts';
import { createQueueWorker, type JobHandlers, type QueueWorker } from './worker.ts';

const logger = createLogger({ service: 'queue-test', level: 'silent' });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createQueueWorker (real Redis)', () => {
  let redis: TestRedis;
  let telemetry: Telemetry;
  let connection: Redis;
  let producerConnection: Redis;
  let acceptance: TypedQueue<'acceptance'>;
  let worker: QueueWorker | undefined;

  beforeAll(async () => {
    redis = await createTestRedis();
    telemetry = startTelemetry({ serviceName: 'queue-test', disabled: false, sampleRatio: 1 });
    connection = createRedisConnection(redis.url, { role: 'worker' });
    producerConnection = createRedisConnection(redis.url, { role: 'client' });
    acceptance = createQueue('acceptance', { connection: producerConnection, redisPrefix: redis.prefix });
  });

  afterEach(async () => {
    await worker?.close(5000);
    worker = undefined;
    await acceptance.queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await acceptance.close();
    await Promise.all([connection.quit(), producerConnection.quit()]);
    await redis.cleanup();
    await telemetry.shutdown();
  });

  function startWorker(handlers: JobHandlers<'acceptance'>, concurrency = 4) {
    worker = createQueueWorker({
      queue: 'acceptance',
      handlers,
      connection,
      redisPrefix: redis.prefix,
      concurrency,
      logger,
    });
    return worker;
  }

  async function scrape(): Promise<string> {
    const app = express();
    app.get('/metrics', (req, res) => telemetry.metricsHandler(req, res));
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      return await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
    } finally {
      server.close();
    }
  }

  it('keeps its keys under the test prefix', async () => {
    await acceptance.add(
      'acceptanceTimeout',
      { orderId: 'o_0', siteId: 's-1', attempt: 1 },
      { delay: 60_000 },
    );
    const keys = await redis.redis.keys(`${redis.prefix}:bull:{acceptance}:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('hands each job to its handler with the parsed payload, and records metrics', async () => {
    const seen = deferred<JobData<'acceptanceTimeout'>>();
    startWorker({ acceptanceTimeout: async (data) => seen.resolve(data) });
    await acceptance.add('acceptanceTimeout', { orderId: 'o_1', siteId: 's-1', attempt: 1 });
    expect(await seen.promise).toEqual({ orderId: 'o_1', siteId: 's-1', attempt: 1 });

    const text = await scrape();
    expect(text).toMatch(/queue_job_wait_seconds_count\{queue="acceptance",job="acceptanceTimeout"\} 1/);
    expect(text).toMatch(
      /queue_job_duration_seconds_count\{queue="acceptance",job="acceptanceTimeout",outcome="completed"\} 1/,
    );
    expect(text).toContain('# TYPE queue_depth gauge');
    expect(text).toMatch(/queue_depth\{queue="acceptance",state="waiting"\} \d+/);
  });

  it('adds the same timer once (deterministic job id)', async () => {
    const data = { orderId: 'o_2', siteId: 's-1', attempt: 1 };
    await acceptance.add('acceptanceTimeout', data, { delay: 60_000 });
    await acceptance.add('acceptanceTimeout', data, { delay: 60_000 });
    expect((await acceptance.queue.getJobCounts('delayed')).delayed).toBe(1);
  });

  it('refuses to enqueue a payload that does not match the catalog', async () => {
    await expect(
      acceptance.add('acceptanceTimeout', { orderId: 'o_3', siteId: 'bad id!', attempt: 1 }),
    ).rejects.toThrowError(/cannot add acceptanceTimeout: siteId: must match/);
  });

  it('adds many jobs in one call with the catalog ids, or none when one is invalid', async () => {
    const timer = (orderId: string, siteId = 's-1') => ({
      name: 'acceptanceTimeout' as const,
      data: { orderId, siteId, attempt: 1 },
      options: { delay: 60_000 },
    });
    const before = (await acceptance.queue.getJobCounts('delayed')).delayed ?? 0;
    await expect(acceptance.addMany([timer('o_m1'), timer('o_m2', 'bad id!')])).rejects.toThrowError(
      /cannot add acceptanceTimeout: siteId/,
    );
    expect((await acceptance.queue.getJobCounts('delayed')).delayed).toBe(before);
    const jobs = await acceptance.addMany([timer('o_m1'), timer('o_m2'), timer('o_m1')]);
    expect(jobs).toHaveLength(3);
    expect(jobs[0]!.id).toBe(jobs[2]!.id);
    expect((await acceptance.queue.getJobCounts('delayed')).delayed).toBe(before + 2);
  });

  it('fails a bad payload at once, without retrying, and counts it', async () => {
    const failed = deferred<Job>();
    let handled = 0;
    const w = startWorker({
      acceptanceTimeout: async () => {
        handled++;
      },
    });
    w.worker.on('failed', (job) => job && failed.resolve(job));
    // Written straight through BullMQ, as an older producer or a hand-edited job would.
    await acceptance.queue.add('acceptanceTimeout', { orderId: 'o_4', attempt: 'one' }, { attempts: 5 });
    const job = await failed.promise;
    expect(handled).toBe(0);
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/invalid payload/);
    expect(await scrape()).toMatch(
      /queue_job_failures_total\{queue="acceptance",job="acceptanceTimeout",reason="invalid"\} 1/,
    );
  });

  it('retries a handler error with back-off until it succeeds', async () => {
    const done = deferred();
    let attempts = 0;
    startWorker({
      acceptanceTimeout: async () => {
        attempts++;
        if (attempts === 1) throw new Error('site lookup failed');
        done.resolve();
      },
    });
    await acceptance.add(
      'acceptanceTimeout',
      { orderId: 'o_5', siteId: 's-1', attempt: 1 },
      { backoff: { type: 'fixed', delay: 10 } },
    );
    await done.promise;
    expect(attempts).toBe(2);
  });

  it('lets a running job finish before close() resolves, and starts none after close began', async () => {
    const started = deferred();
    const release = deferred();
    const events: string[] = [];
    startWorker(
      {
        acceptanceTimeout: async (data) => {
          events.push(`start ${data.orderId}`);
          started.resolve();
          await release.promise;
          events.push(`end ${data.orderId}`);
        },
      },
      16,
    );
    await acceptance.add('acceptanceTimeout', { orderId: 'o_in_flight', siteId: 's-1', attempt: 1 });
    await started.promise;

    const closing = worker?.close(10_000).then((result) => {
      events.push('closed');
      return result;
    });
    await acceptance.add('acceptanceTimeout', { orderId: 'o_late', siteId: 's-1', attempt: 1 });
    expect(events).toEqual(['start o_in_flight']);
    release.resolve();
    expect(await closing).toEqual({ drained: true });
    worker = undefined;

    expect(events).toEqual(['start o_in_flight', 'end o_in_flight', 'closed']);
    expect(await acceptance.queue.getJobCounts('waiting', 'active', 'completed')).toMatchObject({
      waiting: 1,
      active: 0,
      completed: 1,
    });
  });

  it('stops waiting at the timeout and aborts the running job’s signal', async () => {
    const started = deferred();
    let aborted = false;
    startWorker({
      acceptanceTimeout: async (_data, { signal }) => {
        started.resolve();
        await new Promise<void>((resolve) => {
          signal?.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        });
        throw new Error('aborted by shutdown');
      },
    });
    await acceptance.add('acceptanceTimeout', { orderId: 'o_slow', siteId: 's-1', attempt: 1 });
    await started.promise;
    const result = await worker?.close(200);
    worker = undefined;
    expect(aborted).toBe(true);
    expect(result?.drained).toBe(true);
  });
});
