import { afterEach, describe, expect, it } from 'vitest';
import { type HealthServer, type ReadinessCheck, startHealthServer } from './health-server.ts';
import { createLogger } from './logger.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const metricsHandler = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.setHeader('content-type', 'text/plain; version=0.0.4');
  res.end('up 1\n');
};

describe('startHealthServer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(checks: Record<string, ReadinessCheck>) {
    server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      checks,
      metricsHandler,
      logger,
      checkTimeoutMs: 200,
    });
    return `http://127.0.0.1:${server.port}`;
  }

  it('answers /healthz, /readyz and /metrics while dependencies answer', async () => {
    const base = await start({ postgres: async () => 1, redis: async () => 'PONG' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('up 1\n');
  });

  it('answers 503 unavailable with Retry-After when a dependency fails or hangs', async () => {
    const base = await start({
      postgres: async () => {
        throw new Error('connect ECONNREFUSED postgres://app:pw@db');
      },
      redis: () => new Promise(() => {}),
    });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: 'unavailable', message: 'postgres, redis not answering' } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('reports not ready once draining, while /healthz stays 200', async () => {
    const base = await start({ redis: async () => 'PONG' });
    server?.markDraining();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('shutting down');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
