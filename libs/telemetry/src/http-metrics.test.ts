import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTelemetry } from './http-metrics.ts';
import { startTelemetry, type Telemetry } from './sdk.ts';

/** A real app on a free port: the middleware, a few routes of the API's shape, and /metrics. */
describe('httpTelemetry', () => {
  let telemetry: Telemetry;
  let server: Server;
  let base: string;
  const seenTraceIds: string[] = [];

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'http-test', disabled: false, sampleRatio: 1 });
    const app = express();
    app.use(httpTelemetry());
    app.get('/metrics', (req, res) => telemetry.metricsHandler(req, res));
    app.get('/v1/sites/:id', (req, res) => {
      seenTraceIds.push(trace.getActiveSpan()?.spanContext().traceId ?? '');
      res.json({ id: req.params.id });
    });
    const stock = express.Router();
    stock.get('/:sku', (req, res) => {
      res.status(req.params.sku === 'gone' ? 404 : 200).json({ sku: req.params.sku });
    });
    stock.get('/', (_req, res) => {
      res.json([]);
    });
    stock.post('/:sku/boom', () => {
      throw new Error('handler failed');
    });
    const v1 = express.Router();
    v1.use('/sites/:siteId/stock', stock);
    app.use('/v1', v1);
    app.use((_req: express.Request, res: express.Response) => {
      res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
    });
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: { code: 'internal', message: 'bug' } });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await telemetry.shutdown();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  }

  it('counts requests by method, route template and status, never by raw URL', async () => {
    for (const id of ['s-1', 's-2', 's-3']) expect((await fetch(`${base}/v1/sites/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/v1/sites/s-9/stock/milk-1l`)).status).toBe(200);
    expect((await fetch(`${base}/v1/sites/s-9/stock/gone`)).status).toBe(404);
    expect((await fetch(`${base}/v1/sites/s-9/stock`)).status).toBe(200);
    expect((await fetch(`${base}/nowhere/at/all`)).status).toBe(404);

    const text = await scrape();
    expect(text).toContain('# TYPE http_server_requests_total counter');
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/v1/sites/:id",status_code="200"} 3',
    );
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/v1/sites/:siteId/stock/:sku",status_code="200"} 1',
    );
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/v1/sites/:siteId/stock/:sku",status_code="404"} 1',
    );
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/v1/sites/:siteId/stock",status_code="200"} 1',
    );
    expect(text).toContain('http_server_requests_total{method="GET",route="unmatched",status_code="404"} 1');
    for (const raw of ['s-1', 's-9', 'milk-1l', 'nowhere']) expect(text).not.toContain(raw);
  });

  it('records durations in a seconds histogram with ms-scale buckets', async () => {
    await fetch(`${base}/v1/sites/s-1`);
    const text = await scrape();
    expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{method="GET",route="/v1/sites/:id",status_code="200",le="0.0005"}',
    );
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{method="GET",route="/v1/sites/:id",status_code="200",le="5"}',
    );
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="\/v1\/sites\/:id",status_code="200"\} \d+/,
    );
  });

  it('keeps the full template when an app-level error handler answers', async () => {
    expect((await fetch(`${base}/v1/sites/s-4/stock/eggs/boom`, { method: 'POST' })).status).toBe(500);
    expect(await scrape()).toContain(
      'http_server_requests_total{method="POST",route="/v1/sites/:siteId/stock/:sku/boom",status_code="500"} 1',
    );
  });

  it('labels unknown methods _OTHER', async () => {
    await fetch(`${base}/v1/sites/s-1`, { method: 'PROPFIND' });
    expect(await scrape()).toMatch(
      /http_server_requests_total\{method="_OTHER",route="unmatched",status_code="404"\} 1/,
    );
  });

  it('continues the caller’s trace from a W3C traceparent header', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    seenTraceIds.length = 0;
    await fetch(`${base}/v1/sites/s-1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    await fetch(`${base}/v1/sites/s-1`);
    expect(seenTraceIds[0]).toBe(traceId);
    expect(seenTraceIds[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(seenTraceIds[1]).not.toBe(traceId);
  });
});
