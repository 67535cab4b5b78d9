import { notFound } from '@quarterhour/domain';
import { httpTelemetry } from '@quarterhour/telemetry';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IntakeContext } from './context.ts';
import { jsonBody } from './http/body.ts';
import { errorBody, toHttpError } from './http/errors.ts';
import { rateLimit } from './http/rate-limit.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { courierRoutes } from './routes/couriers.ts';
import { healthRoutes } from './routes/health.ts';
import { lockerRoutes } from './routes/lockers.ts';
import { orderActionRoutes } from './routes/order-actions.ts';
import { orderRoutes } from './routes/orders.ts';
import { siteRoutes } from './routes/sites.ts';
import { stockRoutes } from './routes/stock.ts';
import { webhookRoutes } from './routes/webhooks.ts';

const BODY_LIMIT_BYTES = 1024 * 1024;
const BULK_PATHS = new Set(['/v1/sites/bulk']);

export function createApp(
  ctx: IntakeContext,
  options: { metricsHandler?: (req: Request, res: Response) => void } = {},
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(httpTelemetry());
  app.use(healthRoutes({ sql: ctx.sql, redis: ctx.redis, metricsHandler: options.metricsHandler }));

  // Authentication comes before the body is read: a stranger's megabytes are not parsed.
  app.use('/v1', ctx.auth.middleware());
  app.use('/v1', rateLimit(ctx.config.rateLimitPerSecond));
  app.use(
    jsonBody((req) => (BULK_PATHS.has(req.path) ? ctx.config.http.bulkBodyLimitBytes : BODY_LIMIT_BYTES)),
  );

  // Orders first: the hottest path should not walk past every other router's routes.
  app.use(orderRoutes(ctx));
  app.use(orderActionRoutes(ctx));
  app.use(apiKeyRoutes(ctx));
  app.use(siteRoutes(ctx));
  app.use(stockRoutes(ctx));
  app.use(courierRoutes(ctx));
  app.use(lockerRoutes(ctx));
  app.use(webhookRoutes(ctx));

  app.use((req: Request) => {
    throw notFound(`no route for ${req.method} ${req.path}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      const level = httpError.status === 503 ? 'warn' : 'error';
      ctx.log[level]('request failed', {
        method: req.method,
        route: req.route?.path ?? req.path,
        status: httpError.status,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      });
    }
    if (httpError.details.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(httpError.details.retryAfterSeconds));
    }
    if (res.headersSent) return;
    res.status(httpError.status).json(errorBody(httpError));
  });
  return app;
}
