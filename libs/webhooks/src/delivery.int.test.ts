import type { Sql } from '@quarterhour/db';
import type { OrderStatus } from '@quarterhour/domain';
import {
  createQueue,
  createQueueWorker,
  createRedisConnection,
  type QueueWorker,
  type TypedQueue,
} from '@quarterhour/queue';
import { createLogger, startTelemetry, type Telemetry } from '@quarterhour/telemetry';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from './delivery.ts';
import { WebhookOutbox } from './outbox.ts';
import { generateSecret } from './secret.ts';
import { WebhookStore } from './store.ts';
import { sweepWebhookMessages } from './sweeper.ts';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  verifyWebhookSignature,
  type WebhookReceiver,
} from './test-receiver.ts';
import { commitChanges, eventually, insertPlatformKey, scrape, statusChange } from './test-support.ts';

const silent = createLogger({ service: 'webhooks-test', level: 'silent' });
const DELIVERY: OrderStatus[] = ['assigned', 'accepted', 'courier_assigned', 'picked_up', 'delivered'];

describe('webhook outbox and delivery (real PostgreSQL, Redis, BullMQ and an HTTP receiver)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let telemetry: Telemetry;
  let workerConnection: Redis;
  let producer: Redis;
  let queue: TypedQueue<'webhooks'>;
  let store: WebhookStore;
  let receiver: WebhookReceiver;
  let worker: QueueWorker | undefined;
  let orderSeq = 0;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    telemetry = startTelemetry({ serviceName: 'webhooks-test', disabled: false, sampleRatio: 1 });
    workerConnection = createRedisConnection(redis.url, { role: 'worker' });
    producer = createRedisConnection(redis.url, { role: 'client' });
    queue = createQueue('webhooks', { connection: producer, redisPrefix: redis.prefix });
    store = new WebhookStore(db.sql);
    receiver = await startWebhookReceiver();
  });

  beforeEach(() => {
    receiver.respondWith(() => 204);
    receiver.requests.length = 0;
  });

  afterEach(async () => {
    await worker?.close(5000);
    worker = undefined;
    await queue.queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await receiver.close();
    await queue.close();
    await Promise.all([workerConnection.quit(), producer.quit()]);
    await redis.cleanup();
    await db.drop();
    await telemetry.shutdown();
  });

  /** An outbox and a worker that agree on the retry policy, as intake and fulfilment do. */
  function start(options: { attempts: number; logger?: ReturnType<typeof createLogger> }) {
    const retry = { attempts: options.attempts, backoffMs: 20 };
    const deliverer = new WebhookDeliverer({
      sql: db.sql,
      settings: { attempts: options.attempts, timeoutMs: 2000, allowPrivate: true },
    });
    worker = createQueueWorker({
      queue: 'webhooks',
      handlers: { webhookDelivery: (data, context) => deliverer.deliverPair(data, context) },
      connection: workerConnection,
      redisPrefix: redis.prefix,
      concurrency: 4,
      logger: options.logger ?? silent,
    });
    return new WebhookOutbox({ sql: db.sql, queue, retry, log: silent });
  }

  async function platformWithWebhook(path = '') {
    const keyId = await insertPlatformKey(db.sql);
    const secret = generateSecret();
    const webhook = await store.create(keyId, `${receiver.url}${path}`, secret);
    return { keyId, secret, webhook };
  }

  const newOrderId = () => `ord_t${++orderSeq}`;
  const parse = (request: ReceivedRequest) => JSON.parse(request.body) as Record<string, unknown>;
  const typesOf = (requests: ReceivedRequest[], orderId: string) =>
    requests
      .map(parse)
      .filter((body) => body.orderId === orderId)
      .map((body) => body.type);
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('delivers every status of each order in order, signed, with the body of the contract', async () => {
    const outbox = start({ attempts: 5 });
    const { keyId, secret, webhook } = await platformWithWebhook();
    const orders = [newOrderId(), newOrderId(), newOrderId()];
    const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 8, i));
    // Changes of several orders interleave, each committed on its own, as they would live.
    for (const [i, status] of DELIVERY.entries()) {
      await Promise.all(
        orders.map((orderId) => commitChanges(db.sql, outbox, [statusChange(orderId, keyId, status, at(i))])),
      );
    }
    await receiver.waitFor((requests) => requests.length >= orders.length * DELIVERY.length);

    const expected = DELIVERY.map((status) => `order.${status}`);
    for (const orderId of orders) expect(typesOf(receiver.accepted(), orderId)).toEqual(expected);
    for (const request of receiver.requests) {
      expect(verifyWebhookSignature(secret, request.headers, request.body, nowSeconds())).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const first = receiver.requests.find((r) => parse(r).orderId === orders[0])!;
    expect(JSON.parse(first.body)).toEqual({
      type: 'order.assigned',
      orderId: orders[0],
      at: at(0).toISOString(),
      order: statusChange(orders[0]!, keyId, 'assigned', at(0)).order,
    });

    await eventually(
      async () => (await db.sql`select 1 from webhook_messages where status = 'pending'`).length === 0,
    );
    const rows = await db.sql<{ id: string; seq: number; status: string; attempts: number }[]>`
      select id, seq, status, attempts from webhook_messages where webhook_id = ${webhook.id} and order_id = ${orders[0]!} order by seq`;
    expect(rows.map((r) => [r.seq, r.status, r.attempts])).toEqual(
      DELIVERY.map((_, i) => [i + 1, 'delivered', 1]),
    );
    // webhook-id is the message id: one per message.
    expect(typesOf(receiver.requests, orders[0]!).length).toBe(DELIVERY.length);
    const ids = receiver.requests
      .filter((r) => parse(r).orderId === orders[0])
      .map((r) => r.headers['webhook-id']);
    expect(ids).toEqual(rows.map((r) => r.id));
  });

  it('retries a receiver that fails three times, keeping the webhook-id and the order', async () => {
    const outbox = start({ attempts: 5 });
    const { keyId, secret } = await platformWithWebhook();
    const orderId = newOrderId();
    let failuresLeft = 3;
    receiver.respondWith(() => (failuresLeft-- > 0 ? 503 : 200));
    for (const status of DELIVERY.slice(0, 3)) {
      await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, status)]);
    }
    await receiver.waitFor(() => receiver.accepted().length >= 3);

    const [a, b, c, d] = receiver.requests;
    expect([a, b, c, d].map((r) => r?.answered)).toEqual([503, 503, 503, 200]);
    // The same message each time, freshly signed.
    expect(new Set([a, b, c, d].map((r) => r?.headers['webhook-id'])).size).toBe(1);
    for (const request of receiver.requests) {
      expect(verifyWebhookSignature(secret, request.headers, request.body, nowSeconds())).toBe(true);
    }
    expect(typesOf(receiver.accepted(), orderId)).toEqual([
      'order.assigned',
      'order.accepted',
      'order.courier_assigned',
    ]);
    const [head] = await db.sql<{ attempts: number; status: string; last_error: string | null }[]>`
      select attempts, status, last_error from webhook_messages where order_id = ${orderId} and seq = 1`;
    expect(head).toEqual({ attempts: 4, status: 'delivered', last_error: null });
  });

  it('dead-letters a message after its last attempt, then delivers the next one', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'webhooks-test',
      level: 'warn',
      destination: { write: (l) => lines.push(l) },
    });
    const outbox = start({ attempts: 3, logger });
    const { keyId, secret, webhook } = await platformWithWebhook();
    const orderId = newOrderId();
    receiver.respondWith((request) => (request.body.includes('"order.assigned"') ? 500 : 204));
    await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, 'assigned')]);
    await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, 'accepted')]);
    await receiver.waitFor(() => receiver.accepted().length >= 1);

    expect(receiver.requests.map((r) => [parse(r).type, r.answered])).toEqual([
      ['order.assigned', 500],
      ['order.assigned', 500],
      ['order.assigned', 500],
      ['order.accepted', 204],
    ]);
    const dead = await store.deadLetters({ keyId, limit: 10 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      webhookId: webhook.id,
      orderId,
      seq: 1,
      type: 'order.assigned',
      attempts: 3,
      lastError: 'HTTP 500',
    });
    expect(dead[0]?.payload).toMatchObject({ type: 'order.assigned', orderId });
    expect(await store.deadLetters({ keyId: await insertPlatformKey(db.sql), limit: 10 })).toEqual([]);

    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg.includes('dead-lettered'));
    expect(line).toMatchObject({ level: 'warn', webhookId: webhook.id, orderId, messageId: dead[0]?.id });
    expect(lines.join('\n')).not.toContain(secret.slice('whsec_'.length));

    const text = await scrape(telemetry.metricsHandler);
    expect(text).toMatch(/webhook_deliveries_dead_total 1\b/);
    expect(text).toMatch(/webhook_deliveries_total\{outcome="failed"\} \d+/);
    expect(text).toMatch(/webhook_delivery_duration_seconds_count\{outcome="delivered"\} \d+/);
  });

  it('writes messages only when the change commits, and only to the order platform’s webhooks', async () => {
    const outbox = start({ attempts: 3 });
    const mine = await platformWithWebhook('?owner=mine');
    const second = await store.create(mine.keyId, `${receiver.url}?owner=mine-too`, generateSecret());
    await platformWithWebhook('?owner=other');
    const orderId = newOrderId();

    await expect(
      db.sql.begin(async (tx) => {
        await outbox.record(tx, statusChange(orderId, mine.keyId, 'assigned'));
        throw new Error('transition failed');
      }),
    ).rejects.toThrowError('transition failed');
    expect(await db.sql`select 1 from webhook_messages where order_id = ${orderId}`).toHaveLength(0);

    await commitChanges(db.sql, outbox, [
      statusChange(orderId, mine.keyId, 'assigned'),
      statusChange(orderId, mine.keyId, 'accepted'),
    ]);
    await receiver.waitFor((requests) => requests.length >= 4);
    const byPath = (path: string) =>
      receiver.requests.filter((r) => r.path.endsWith(path)).map((r) => parse(r).type);
    expect(byPath('owner=mine')).toEqual(['order.assigned', 'order.accepted']);
    expect(byPath('owner=mine-too')).toEqual(['order.assigned', 'order.accepted']);
    expect(byPath('owner=other')).toEqual([]);
    expect(second.id).not.toBe(mine.webhook.id);
  });

  it('numbers the messages of many changes written in one statement per (webhook, order)', async () => {
    const outbox = start({ attempts: 3 });
    const mine = await platformWithWebhook('?owner=batch');
    const first = newOrderId();
    const second = newOrderId();
    await db.sql.begin(async (tx) => {
      await outbox.recordMany(tx, [
        statusChange(first, mine.keyId, 'assigned'),
        statusChange(second, mine.keyId, 'assigned'),
        statusChange(first, mine.keyId, 'accepted'),
      ]);
    });
    await db.sql.begin(async (tx) => {
      await outbox.record(tx, statusChange(first, mine.keyId, 'picked_up'));
    });
    const rows = await db.sql<{ order_id: string; seq: number; type: string; body: string }[]>`
      select order_id, seq, type, body from webhook_messages
      where webhook_id = ${mine.webhook.id} order by order_id, seq`;
    const of = (orderId: string) =>
      rows.filter((row) => row.order_id === orderId).map((row) => [row.seq, row.type]);
    expect(of(first)).toEqual([
      [1, 'order.assigned'],
      [2, 'order.accepted'],
      [3, 'order.picked_up'],
    ]);
    expect(of(second)).toEqual([[1, 'order.assigned']]);
    // The body is stored as the exact text that is signed and sent.
    const body = JSON.parse(rows.find((row) => row.order_id === second)!.body);
    expect(body).toMatchObject({ type: 'order.assigned', orderId: second, order: { id: second } });
    // Never enqueued: out of the way of the sweep tests below.
    await db.sql`delete from webhook_messages where webhook_id = ${mine.webhook.id}`;
  });

  it('delivers messages whose enqueue was lost, through the sweep', async () => {
    const outbox = start({ attempts: 3 });
    const { keyId } = await platformWithWebhook();
    const orderId = newOrderId();
    await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, 'assigned')], false);
    await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, 'cancelled')], false);

    const sweep = () =>
      sweepWebhookMessages({
        sql: db.sql,
        queue,
        retry: { attempts: 3, backoffMs: 20 },
        graceMs: 0,
        timeoutMs: 2000,
      });
    expect(await sweep()).toBe(1); // one job for the pair
    await receiver.waitFor((requests) => requests.length >= 2);
    expect(typesOf(receiver.requests, orderId)).toEqual(['order.assigned', 'order.cancelled']);
    await eventually(
      async () =>
        (await db.sql`select 1 from webhook_messages where order_id = ${orderId} and status = 'pending'`)
          .length === 0,
    );
    expect(await sweep()).toBe(0);
  });

  it('leaves a pair with a recent failure to its job’s back-off', async () => {
    // No worker: a message tried moments ago is waiting on its back-off, not lost.
    const keyId = await insertPlatformKey(db.sql);
    const webhook = await store.create(keyId, receiver.url, generateSecret());
    const outbox = new WebhookOutbox({
      sql: db.sql,
      queue,
      retry: { attempts: 3, backoffMs: 60_000 },
      log: silent,
    });
    const orderId = newOrderId();
    await commitChanges(db.sql, outbox, [statusChange(orderId, keyId, 'assigned')], false);
    await db.sql`update webhook_messages set attempts = 1, last_attempt_at = now() where webhook_id = ${webhook.id}`;
    const sweep = (sql: Sql) =>
      sweepWebhookMessages({
        sql,
        queue,
        retry: { attempts: 3, backoffMs: 60_000 },
        graceMs: 0,
        timeoutMs: 2000,
      });
    expect(await sweep(db.sql)).toBe(0);
    await db.sql`update webhook_messages set last_attempt_at = now() - interval '10 minutes' where webhook_id = ${webhook.id}`;
    expect(await sweep(db.sql)).toBe(1);
  });
});
