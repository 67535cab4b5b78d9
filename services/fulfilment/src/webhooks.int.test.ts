import { loadConfig, type WorkerConfig, workerEnv } from '@quarterhour/config';
import { createQueue, createRedisConnection, type TypedQueue } from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { generateSecret, WebhookOutbox, WebhookStore } from '@quarterhour/webhooks';
import {
  commitChanges,
  insertPlatformKey,
  startWebhookReceiver,
  statusChange,
  verifyWebhookSignature,
  type WebhookReceiver,
} from '@quarterhour/webhooks/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fulfilment, startFulfilment } from './service.ts';

describe('fulfilment delivers webhooks (real PostgreSQL, Redis and an HTTP receiver)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let producer: Redis;
  let queue: TypedQueue<'webhooks'>;
  let receiver: WebhookReceiver;
  let service: Fulfilment;
  let config: WorkerConfig;
  let outbox: WebhookOutbox;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    config = loadConfig(workerEnv, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'silent',
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_SWEEP_MS: '200',
    });
    producer = createRedisConnection(redis.url, { role: 'client' });
    queue = createQueue('webhooks', { connection: producer, redisPrefix: redis.prefix });
    outbox = new WebhookOutbox({
      sql: db.sql,
      queue,
      retry: config.webhooks,
      log: createLogger({ service: 'fulfilment-test', level: 'silent' }),
    });
    receiver = await startWebhookReceiver();
    service = await startFulfilment(config);
  });

  afterAll(async () => {
    await service.close();
    await receiver.close();
    await queue.close();
    await producer.quit();
    await redis.cleanup();
    await db.drop();
  });

  it('delivers a committed status change, signed, and counts it on /metrics', async () => {
    const keyId = await insertPlatformKey(db.sql);
    const secret = generateSecret();
    await new WebhookStore(db.sql).create(keyId, `${receiver.url}?a`, secret);
    await commitChanges(db.sql, outbox, [
      statusChange('ord_f1', keyId, 'assigned'),
      statusChange('ord_f1', keyId, 'accepted'),
    ]);

    await receiver.waitFor((requests) => requests.filter((r) => r.path.endsWith('?a')).length >= 2);
    const mine = receiver.requests.filter((r) => r.path.endsWith('?a'));
    expect(mine.map((r) => JSON.parse(r.body).type)).toEqual(['order.assigned', 'order.accepted']);
    const now = Math.floor(Date.now() / 1000);
    for (const r of mine) expect(verifyWebhookSignature(secret, r.headers, r.body, now)).toBe(true);

    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    expect(text).toMatch(/webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(text).toMatch(/queue_depth\{queue="webhooks",state="waiting"\} \d+/);
  });

  it('sweeps up a message whose enqueue was lost', async () => {
    const keyId = await insertPlatformKey(db.sql);
    await new WebhookStore(db.sql).create(keyId, `${receiver.url}?b`, generateSecret());
    // Committed, but the process "crashed" before afterCommit: no job exists for it.
    await commitChanges(db.sql, outbox, [statusChange('ord_f2', keyId, 'cancelled')], false);
    await receiver.waitFor((requests) => requests.some((r) => r.path.endsWith('?b')));
    const [delivered] = receiver.requests.filter((r) => r.path.endsWith('?b'));
    expect(JSON.parse(delivered?.body ?? '{}')).toMatchObject({ type: 'order.cancelled', orderId: 'ord_f2' });
  });
});
