import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntakeConfig } from '@quarterhour/config';
import { createDb, ensureDatabase, migrate } from '@quarterhour/db';
import { HotStock, redisKeys } from '@quarterhour/routing';
import type { Logger } from '@quarterhour/telemetry';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import type { IntakeContext } from './context.ts';
import { HotStateGuard } from './hot-state.ts';
import { Authenticator } from './http/auth.ts';
import { ApiKeyStore } from './registry/api-keys.ts';
import { SiteStore } from './registry/sites.ts';
import { StockStore } from './registry/stock.ts';

const HOT_STATE_CHECK_MS = 2_000;

export interface IntakeHandle {
  port: number;
  url: string;
  context: IntakeContext;
  close(): Promise<void>;
}

/**
 * Starts the intake: migrations (when enabled), the environment's ops key, the hot stock
 * in Redis (rebuilt from PostgreSQL when missing), cross-process notifications, and the
 * HTTP server. Resolves once it listens.
 */
export async function startIntake(
  config: IntakeConfig,
  options: { log: Logger; metricsHandler?: (req: Request, res: Response) => void },
): Promise<IntakeHandle> {
  const { log } = options;
  if (config.migrateOnStart) {
    await ensureDatabase(config.databaseUrl);
  }
  const sql = createDb(config.databaseUrl, { max: 20, applicationName: 'quarterhour-intake' });
  if (config.migrateOnStart) {
    const applied = await migrate(sql);
    if (applied.length) log.info('applied migrations', { versions: applied });
  }
  // One retry, then fail: a request must get a 503 quickly rather than wait on a dead Redis.
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: true,
  });
  await redis.connect();
  const subscriber = redis.duplicate({ maxRetriesPerRequest: null });
  const keys = redisKeys(config.redisPrefix);

  const apiKeys = new ApiKeyStore(sql);
  if (config.opsApiKey) await apiKeys.registerEnvironmentOpsKey(config.opsApiKey);
  else log.warn('OPS_API_KEY is not set: no ops key is registered from the environment');

  const hotStock = new HotStock(redis, keys);
  const hotState = new HotStateGuard(sql, redis, keys, (result) =>
    log.info('rebuilt hot stock from PostgreSQL', { sites: result.sites, skus: result.skus }),
  );
  await hotState.ensure(true);

  const auth = new Authenticator(apiKeys);
  const context: IntakeContext = {
    config,
    sql,
    redis,
    keys,
    log,
    auth,
    apiKeys,
    sites: new SiteStore(sql),
    stock: new StockStore(sql, hotStock),
    hotStock,
    hotState,
    publishSiteChange: async (siteId) => {
      await redis.publish(keys.siteChanges, siteId);
    },
    publishKeyRevocation: async (keyId) => {
      await redis.publish(keys.keyRevocations, keyId);
    },
  };

  await subscriber.subscribe(keys.keyRevocations);
  subscriber.on('message', (channel) => {
    if (channel === keys.keyRevocations) auth.forgetAll();
  });

  const hotStateTimer = setInterval(() => {
    hotState.ensure().catch((error: Error) => log.warn('hot stock check failed', { error: error.message }));
  }, HOT_STATE_CHECK_MS);
  hotStateTimer.unref();

  const app = createApp(context, { metricsHandler: options.metricsHandler });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.http.port, config.http.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.http.host}:${port}`;
  log.info('intake listening', { url });

  return {
    port,
    url,
    context,
    async close() {
      clearInterval(hotStateTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
      });
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await sql.end({ timeout: 5 });
    },
  };
}
