import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './http-post.ts';
import { startWebhookReceiver, type WebhookReceiver } from './test-receiver.ts';

describe('postWebhook (a real receiver on 127.0.0.1)', () => {
  let receiver: WebhookReceiver;
  const allowed = { timeoutMs: 2000, allowPrivate: true };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it('sends the body and headers as JSON and succeeds on a 2xx', async () => {
    receiver.respondWith(() => 202);
    const result = await postWebhook(receiver.url, { 'webhook-id': 'msg_a' }, '{"a":1}', allowed);
    expect(result).toEqual({ ok: true, status: 202 });
    const seen = receiver.requests.at(-1);
    expect(seen).toMatchObject({ method: 'POST', path: '/hooks', body: '{"a":1}' });
    expect(seen?.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'msg_a' });
  });

  it('fails on any other status, a redirect included (never followed)', async () => {
    receiver.respondWith(() => 500);
    expect(await postWebhook(receiver.url, {}, '{}', allowed)).toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500',
    });
    receiver.respondWith(() => 302);
    const before = receiver.requests.length;
    expect(await postWebhook(receiver.url, {}, '{}', allowed)).toMatchObject({ ok: false, status: 302 });
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('fails when no answer comes within the timeout', async () => {
    receiver.respondWith(() => null);
    expect(await postWebhook(receiver.url, {}, '{}', { ...allowed, timeoutMs: 200 })).toEqual({
      ok: false,
      error: 'no answer within 200 ms',
    });
  });

  it('fails when nothing listens', async () => {
    const result = await postWebhook('http://127.0.0.1:9/x', {}, '{}', allowed);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('refuses private addresses at connection time unless allowed, by literal or by name', async () => {
    receiver.respondWith(() => 204);
    const before = receiver.requests.length;
    const strict = { timeoutMs: 2000, allowPrivate: false };
    expect(await postWebhook(receiver.url, {}, '{}', strict)).toEqual({
      ok: false,
      error: 'refused: 127.0.0.1 is not a public address',
    });
    // A name is checked by the connection's own lookup, so a rebound DNS answer is caught too.
    const byName = receiver.url.replace('127.0.0.1', 'localhost');
    expect(await postWebhook(byName, {}, '{}', strict)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/localhost resolves to .*not a public address/),
    });
    expect(receiver.requests.length).toBe(before);
  });
});
