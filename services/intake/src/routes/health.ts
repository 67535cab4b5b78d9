import type { Sql } from '@quarterhour/db';
import { type Request, type Response, Router } from 'express';
import type { Redis } from 'ioredis';

const CHECK_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `/healthz` (the process runs), `/readyz` (PostgreSQL and Redis answer), `/metrics`. */
export function healthRoutes(deps: {
  sql: Sql;
  redis: Redis;
  metricsHandler?: (req: Request, res: Response) => void;
}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.sql`select 1`, 'PostgreSQL'),
      withTimeout(deps.redis.ping(), 'Redis'),
    ]);
    const down = ['postgres', 'redis'].filter((_, i) => checks[i]!.status === 'rejected');
    if (down.length === 0) {
      res.json({ status: 'ready' });
      return;
    }
    res.setHeader('Retry-After', '1');
    res
      .status(503)
      .json({ error: { code: 'unavailable', message: `not ready: ${down.join(', ')} unavailable` } });
  });
  if (deps.metricsHandler) router.get('/metrics', deps.metricsHandler);
  return router;
}
