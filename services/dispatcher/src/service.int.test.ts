import type { WorkerConfig } from '@quarterhour/config';
import type { TypedQueue } from '@quarterhour/queue';
import { createWorkerTestEnv, type WorkerTestEnv } from '@quarterhour/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, startDispatcher } from './service.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('dispatcher service (real PostgreSQL and Redis)', () => {
  let env: WorkerTestEnv;
  let acceptance: TypedQueue<'acceptance'>;
  let config: WorkerConfig;

  beforeAll(async () => {
    env = await createWorkerTestEnv();
    config = env.config({ SHUTDOWN_TIMEOUT_MS: '10000' });
    acceptance = env.queue('acceptance');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('answers /healthz, /readyz and /metrics while running', async () => {
    const dispatcher = await startDispatcher(config);
    try {
      const base = `http://127.0.0.1:${dispatcher.port}`;
      expect(dispatcher.port).toBeGreaterThan(0);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toContain('# TYPE queue_depth gauge');
      expect(text).toMatch(/queue_depth\{queue="acceptance",state="waiting"\} 0/);
    } finally {
      await dispatcher.close();
    }
  });

  it('hands acceptance timer jobs to the acceptance handler with their parsed data', async () => {
    const handled = deferred();
    const dispatcher = await startDispatcher(config, {
      handlers: {
        acceptanceTimeout: async (data) => {
          expect(data).toEqual({ orderId: 'o_run', siteId: 'site-1', attempt: 1 });
          handled.resolve();
        },
      },
    });
    try {
      await acceptance.add('acceptanceTimeout', { orderId: 'o_run', siteId: 'site-1', attempt: 1 });
      await handled.promise;
    } finally {
      await dispatcher.close();
    }
  });

  it('finishes the job in flight before close() resolves, and starts no job after close began', async () => {
    const started = deferred();
    const release = deferred();
    const events: string[] = [];
    const dispatcher: Dispatcher = await startDispatcher(config, {
      handlers: {
        acceptanceTimeout: async (data) => {
          events.push(`start ${data.orderId}`);
          started.resolve();
          await release.promise;
          events.push(`end ${data.orderId}`);
        },
      },
    });
    await acceptance.add('acceptanceTimeout', { orderId: 'o_flight', siteId: 'site-1', attempt: 1 });
    await started.promise;

    const closed = dispatcher.close().then(() => events.push('closed'));
    const readyWhileDraining = await fetch(`http://127.0.0.1:${dispatcher.port}/readyz`);
    expect(readyWhileDraining.status).toBe(503);
    expect(readyWhileDraining.headers.get('retry-after')).toBeTruthy();
    await acceptance.add('acceptanceTimeout', { orderId: 'o_after_close', siteId: 'site-1', attempt: 1 });
    expect(events).toEqual(['start o_flight']);

    release.resolve();
    await closed;
    expect(events).toEqual(['start o_flight', 'end o_flight', 'closed']);
    expect(await acceptance.queue.getJobCounts('waiting', 'active')).toMatchObject({ waiting: 1, active: 0 });
    await acceptance.queue.obliterate({ force: true });
  });

  it('answers /readyz 503 unavailable with Retry-After when PostgreSQL does not answer', async () => {
    const dispatcher = await startDispatcher({
      ...config,
      databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere',
    });
    try {
      const res = await fetch(`http://127.0.0.1:${dispatcher.port}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'postgres not answering' } });
      expect((await fetch(`http://127.0.0.1:${dispatcher.port}/healthz`)).status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });
});
