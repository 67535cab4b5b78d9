import { createQueueWorker, createRedisConnection, type QueueWorker } from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import { secretKey, WebhookDeliverer } from '@quarterhour/webhooks';
import {
  startWebhookReceiver,
  verifyWebhookSignature,
  type WebhookReceiver,
} from '@quarterhour/webhooks/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIntake, storeBody, type TestIntake } from '../test-support.ts';

const PUBLIC_URL = 'https://8.8.8.8/hooks';

async function platformKey(t: TestIntake, name: string): Promise<string> {
  return (await t.request('POST', '/v1/api-keys', { body: { role: 'platform', name } })).body.key;
}

describe('webhook registration (private addresses refused)', () => {
  let t: TestIntake;
  let platform: string;
  let other: string;
  let site: string;

  beforeAll(async () => {
    t = await startTestIntake({ ALLOW_PRIVATE_WEBHOOKS: 'false' });
    platform = await platformKey(t, 'app');
    other = await platformKey(t, 'other');
    site = (await t.request('POST', '/v1/sites', { body: storeBody('s-1') })).body.apiKey;
  });
  afterAll(() => t?.close());

  const register = (body: unknown, key = platform) => t.request('POST', '/v1/webhooks', { key, body });
  const issuesOf = (res: { body: { error: { issues?: { path: string }[] } } }) =>
    res.body.error.issues?.map((issue) => issue.path);

  it('makes a secret when none is given and returns it once', async () => {
    const res = await register({ url: PUBLIC_URL });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^wh_/), url: PUBLIC_URL });
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(secretKey(res.body.secret)?.length).toBeGreaterThanOrEqual(24);

    const listed = await t.request('GET', '/v1/webhooks', { key: platform });
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(res.body.id);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(res.body.secret);
    expect(text).not.toContain('secret');
  });

  it('keeps a given secret and never returns it', async () => {
    const secret = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
    const res = await register({ url: `${PUBLIC_URL}?given`, secret });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'id', 'keyId', 'url']);
    const all = JSON.stringify((await t.request('GET', '/v1/webhooks')).body);
    expect(all).not.toContain(secret.slice('whsec_'.length));
  });

  it.each([
    [{ url: 'ftp://8.8.8.8/x' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: `https://8.8.8.8/${'x'.repeat(2040)}` }, 'url'],
    [{ url: 'https://user:pw@8.8.8.8/x' }, 'url'],
    [{}, 'url'],
    [{ url: PUBLIC_URL, secret: 'whsec_dG9vIHNob3J0' }, 'secret'],
    [{ url: PUBLIC_URL, secret: `whsec_${Buffer.alloc(65).toString('base64')}` }, 'secret'],
    [{ url: PUBLIC_URL, secret: Buffer.alloc(32).toString('base64') }, 'secret'],
    [{ url: PUBLIC_URL, secret: 'whsec_!!!!' }, 'secret'],
  ])('refuses %j naming %s', async (body, path) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(issuesOf(res)).toEqual([path]);
  });

  it.each([
    'http://127.0.0.1/x',
    'http://localhost:8080/x',
    'http://[::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::ffff:7f00:1]/x',
    'http://0.0.0.0/x',
    'http://10.1.2.3/x',
    'http://172.20.0.1/x',
    'http://192.168.0.10/x',
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/x',
    'http://[fd00::1]/x',
    'http://[::]/x',
    'http://2130706433/x',
  ])('refuses %s: it resolves to a private address', async (url) => {
    const res = await register({ url });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual(['url']);
    expect(res.body.error.issues[0].message).toMatch(/loopback, private, link-local or unspecified/);
  });

  it('refuses a body that is not an object, keys of other roles and no key', async () => {
    expect((await t.request('POST', '/v1/webhooks', { key: platform, body: 'null' })).status).toBe(400);
    expect((await register({ url: PUBLIC_URL }, site)).status).toBe(403);
    expect((await t.request('GET', '/v1/webhooks', { key: site })).status).toBe(403);
    expect((await t.request('POST', '/v1/webhooks', { key: null, body: { url: PUBLIC_URL } })).status).toBe(
      401,
    );
  });

  it('shows and deletes a webhook only for the key that registered it (and ops)', async () => {
    const mine = (await register({ url: `${PUBLIC_URL}?mine` })).body;
    const theirs = (await register({ url: `${PUBLIC_URL}?theirs` }, other)).body;

    const seenByOther = (await t.request('GET', '/v1/webhooks', { key: other })).body.webhooks;
    expect(seenByOther.map((w: { id: string }) => w.id)).toEqual([theirs.id]);
    expect((await t.request('DELETE', `/v1/webhooks/${mine.id}`, { key: other })).status).toBe(404);
    expect((await t.request('DELETE', '/v1/webhooks/nope', { key: other })).body.error.issues[0].path).toBe(
      'id',
    );

    const all = (await t.request('GET', '/v1/webhooks')).body.webhooks.map((w: { id: string }) => w.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    expect((await t.request('DELETE', `/v1/webhooks/${mine.id}`, { key: platform })).status).toBe(204);
    expect((await t.request('DELETE', `/v1/webhooks/${mine.id}`, { key: platform })).status).toBe(404);
    const left = (await t.request('GET', '/v1/webhooks', { key: platform })).body.webhooks;
    expect(left.map((w: { id: string }) => w.id)).not.toContain(mine.id);
    expect((await t.request('DELETE', `/v1/webhooks/${theirs.id}`)).status).toBe(204); // ops
  });

  it('lists dead letters for ops, and a platform only its own', async () => {
    const hook = (await register({ url: `${PUBLIC_URL}?dead` })).body;
    await t.db.sql`
      insert into webhook_messages (id, webhook_id, order_id, seq, type, body, status, attempts, last_error, dead_at)
      values ('msg_dead1', ${hook.id}, 'ord_x', 1, 'order.assigned', '{"type":"order.assigned","orderId":"ord_x"}',
              'dead', 8, 'HTTP 500', now())`;
    const ops = await t.request('GET', '/v1/webhooks/dead-letters');
    expect(ops.status).toBe(200);
    expect(ops.body.messages).toEqual([
      expect.objectContaining({
        id: 'msg_dead1',
        webhookId: hook.id,
        orderId: 'ord_x',
        type: 'order.assigned',
        attempts: 8,
        lastError: 'HTTP 500',
        payload: { type: 'order.assigned', orderId: 'ord_x' },
      }),
    ]);
    expect(
      (await t.request('GET', '/v1/webhooks/dead-letters', { key: platform })).body.messages,
    ).toHaveLength(1);
    expect((await t.request('GET', '/v1/webhooks/dead-letters', { key: other })).body.messages).toEqual([]);
    expect((await t.request('GET', '/v1/webhooks/dead-letters', { key: site })).status).toBe(403);
    const bad = await t.request('GET', '/v1/webhooks/dead-letters?limit=0');
    expect([bad.status, bad.body.error.issues[0].path]).toEqual([400, 'limit']);
  });
});

describe('webhooks of the order lifecycle, end to end', () => {
  let t: TestIntake;
  let receiver: WebhookReceiver;
  let connection: Redis;
  let worker: QueueWorker;

  beforeAll(async () => {
    t = await startTestIntake({ ALLOW_PRIVATE_WEBHOOKS: 'true', WEBHOOK_BACKOFF_MS: '20' });
    receiver = await startWebhookReceiver();
    // The fulfilment service's webhook worker, in process.
    connection = createRedisConnection(t.redis.url, { role: 'worker' });
    const deliverer = new WebhookDeliverer({
      sql: t.db.sql,
      settings: { attempts: 8, timeoutMs: 2000, allowPrivate: true },
    });
    worker = createQueueWorker({
      queue: 'webhooks',
      handlers: { webhookDelivery: (data, context) => deliverer.deliverPair(data, context) },
      connection,
      redisPrefix: t.redis.prefix,
      concurrency: 2,
      logger: createLogger({ service: 'intake-test', level: 'silent' }),
    });
  });
  afterAll(async () => {
    await worker?.close(5000);
    await connection?.quit();
    await receiver?.close();
    await t?.close();
  });

  it('posts order.assigned and order.accepted, signed, as the platform creates and the site accepts', async () => {
    const platform = await platformKey(t, 'app');
    const { apiKey: siteKey } = (
      await t.request('POST', '/v1/sites', {
        body: storeBody('s-hook', { acceptance: { mode: 'manual', timeoutSeconds: 600 } }),
      })
    ).body;
    await t.request('PUT', '/v1/sites/s-hook/stock', { body: { items: [{ sku: 'milk', onHand: 10 }] } });
    const hook = await t.request('POST', '/v1/webhooks', { key: platform, body: { url: receiver.url } });
    expect(hook.status).toBe(201);

    const order = await t.request('POST', '/v1/orders', {
      key: platform,
      body: {
        externalId: 'hook-1',
        customer: { lat: 31.2304, lng: 121.4737 },
        items: [{ sku: 'milk', quantity: 1 }],
      },
    });
    expect([order.status, order.body.status]).toEqual([201, 'assigned']);
    const accepted = await t.request('POST', `/v1/orders/${order.body.id}/accept`, { key: siteKey });
    expect(accepted.body.status).toBe('accepted');

    await receiver.waitFor((requests) => requests.length >= 2);
    const bodies = receiver.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.type, b.orderId, b.order.status])).toEqual([
      ['order.assigned', order.body.id, 'assigned'],
      ['order.accepted', order.body.id, 'accepted'],
    ]);
    const now = Math.floor(Date.now() / 1000);
    for (const request of receiver.requests) {
      expect(verifyWebhookSignature(hook.body.secret, request.headers, request.body, now)).toBe(true);
    }
  });
});
