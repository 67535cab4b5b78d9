import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Response } from 'express';
import type { Logger } from './logger.ts';
import type { MetricsHandler } from './sdk.ts';

/** Resolves when the dependency answers; any rejection or a timeout means "not ready". */
export type ReadinessCheck = () => PromiseLike<unknown>;

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port; read the real one from the result. */
  port: number;
  /** Named dependency checks for /readyz, e.g. `{ postgres, redis }`. */
  checks: Record<string, ReadinessCheck>;
  metricsHandler: MetricsHandler;
  logger: Logger;
  checkTimeoutMs?: number;
  retryAfterSeconds?: number;
}

export interface HealthServer {
  readonly port: number;
  /** From now on /readyz answers 503: the process is shutting down. /healthz stays 200. */
  markDraining(): void;
  close(): Promise<void>;
}

/**
 * The small HTTP server of a worker process: GET /healthz (200 while the process runs),
 * GET /readyz (200 when every dependency answers, else 503 `unavailable` with
 * Retry-After, as the API's errors are shaped), GET /metrics (Prometheus text).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (draining) return unavailable(res, retryAfter, 'shutting down');
    const results = await runChecks(options.checks, checkTimeoutMs);
    const failed = Object.entries(results).filter(([, error]) => error !== undefined);
    if (failed.length === 0) {
      res.json({
        status: 'ready',
        checks: Object.fromEntries(Object.keys(results).map((name) => [name, 'ok'])),
      });
      return;
    }
    for (const [name, error] of failed)
      options.logger.warn('readiness check failed', { dependency: name, error });
    unavailable(res, retryAfter, `${failed.map(([name]) => name).join(', ')} not answering`);
  });
  app.get('/metrics', (req, res) => options.metricsHandler(req, res));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
  });

  const server = createServer(app);
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    markDraining() {
      draining = true;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Probes and scrapers keep connections alive; without this close() waits for them.
        server.closeAllConnections();
      });
    },
  };
}

function unavailable(res: Response, retryAfter: string, message: string): void {
  res
    .status(503)
    .set('Retry-After', retryAfter)
    .json({ error: { code: 'unavailable', message } });
}

async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(
          Promise.resolve(check()),
          timeoutMs,
          `${name} did not answer within ${timeoutMs} ms`,
        );
        return [name, undefined] as const;
      } catch (error) {
        return [name, error ?? new Error(`${name} check failed`)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
