import type { WorkerConfig } from '@quarterhour/config';
import type { TypedQueue } from '@quarterhour/queue';
import { createWorkerTestEnv, type WorkerTestEnv } from '@quarterhour/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfilment } from './service.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('fulfilment service (real PostgreSQL and Redis)', () => {
  let env: WorkerTestEnv;
  let webhooks: TypedQueue<'webhooks'>;
  let fulfilment: TypedQueue<'fulfilment'>;
  let config: WorkerConfig;

  beforeAll(async () => {
    env = await createWorkerTestEnv();
    config = env.config({ SHUTDOWN_TIMEOUT_MS: '10000' });
    webhooks = env.queue('webhooks');
    fulfilment = env.queue('fulfilment');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('answers /healthz, /readyz and /metrics for both of its queues', async () => {
    const service = await startFulfilment(config);
    try {
      const base = `http://127.0.0.1:${service.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/queue_depth\{queue="fulfilment",state="waiting"\} 0/);
      expect(text).toMatch(/queue_depth\{queue="webhooks",state="waiting"\} 0/);
    } finally {
      await service.close();
    }
  });

  it('works both queues', async () => {
    const expiry = deferred();
    const delivery = deferred();
    const service = await startFulfilment(config, {
      handlers: {
        fulfilment: { lockerHoldExpiry: async () => expiry.resolve() },
        webhooks: { webhookDelivery: async () => delivery.resolve() },
      },
    });
    try {
      await fulfilment.add('lockerHoldExpiry', { orderId: 'o_1', lockerId: 'L-9' });
      await webhooks.add('webhookDelivery', { webhookId: 'wh_1', orderId: 'o_1' });
      await Promise.all([expiry.promise, delivery.promise]);
    } finally {
      await service.close();
    }
  });

  it('finishes the delivery in flight before close() resolves, and starts none after close began', async () => {
    const started = deferred();
    const release = deferred();
    const events: string[] = [];
    const service = await startFulfilment(config, {
      handlers: {
        webhooks: {
          webhookDelivery: async (data) => {
            events.push(`start ${data.orderId}`);
            started.resolve();
            await release.promise;
            events.push(`end ${data.orderId}`);
          },
        },
      },
    });
    await webhooks.add('webhookDelivery', { webhookId: 'wh_1', orderId: 'o_flight' });
    await started.promise;

    const closed = service.close().then(() => events.push('closed'));
    await webhooks.add('webhookDelivery', { webhookId: 'wh_1', orderId: 'o_late' });
    await fulfilment.add('lockerHoldExpiry', { orderId: 'o_late', lockerId: 'L-9' });
    expect(events).toEqual(['start o_flight']);

    release.resolve();
    await closed;
    expect(events).toEqual(['start o_flight', 'end o_flight', 'closed']);
    expect(await webhooks.queue.getJobCounts('waiting', 'active')).toMatchObject({ waiting: 1, active: 0 });
    expect(await fulfilment.queue.getJobCounts('waiting', 'active')).toMatchObject({ waiting: 1, active: 0 });
  });
});
