import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { meter } from './instruments.ts';
import { startTelemetry, type Telemetry, tracesUrl } from './sdk.ts';

async function scrape(telemetry: Telemetry): Promise<string> {
  const app = express();
  app.get('/metrics', (req, res) => telemetry.metricsHandler(req, res));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    return await res.text();
  } finally {
    server.close();
  }
}

const options = { serviceName: 'sdk-test', disabled: false, sampleRatio: 1 };

describe('startTelemetry', () => {
  it('shares one SDK between callers and stops it when the last one shuts down', async () => {
    const first = startTelemetry(options);
    const second = startTelemetry({ ...options, serviceName: 'ignored' });
    meter().createCounter('shared_total').add(2);
    expect(await scrape(first)).toContain('shared_total 2');
    expect(await scrape(second)).toContain('shared_total 2');
    await first.shutdown();
    await first.shutdown(); // a second call by the same holder changes nothing
    meter().createCounter('still_running_total').add(1);
    expect(await scrape(second)).toContain('still_running_total 1');
    await second.shutdown();
  });

  it('starts afresh after a full shutdown, with a clean registry', async () => {
    const before = startTelemetry(options);
    meter().createCounter('before_restart_total').add(1);
    await before.shutdown();
    const after = startTelemetry(options);
    meter().createCounter('after_restart_total').add(1);
    const text = await scrape(after);
    expect(text).toContain('after_restart_total 1');
    expect(text).not.toContain('before_restart_total');
    await after.shutdown();
  });

  it('serves a valid, empty exposition when disabled', async () => {
    const telemetry = startTelemetry({ ...options, disabled: true });
    expect(await scrape(telemetry)).toMatch(/^# telemetry is disabled/);
    await telemetry.shutdown();
  });
});

describe('tracesUrl', () => {
  it('adds /v1/traces to a base endpoint and keeps a full traces URL', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otel.example/api/v1/traces')).toBe('https://otel.example/api/v1/traces');
  });
});
