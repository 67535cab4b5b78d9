import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntakeConfig } from '@quarterhour/config';
import { createDb, ensureDatabase, migrate, OrderStore, SiteStore } from '@quarterhour/db';
import { type Clock, systemClock } from '@quarterhour/domain';
import { type StatusChangeListener, startLifecycleRuntime } from '@quarterhour/lifecycle';
import {
  CourierRegistry,
  ensureLogisticsHotState,
  LockerRegistry,
  logisticsKeys,
} from '@quarterhour/logistics';
import {
  HotStock,
  nearestPolicy,
  Reserver,
  type RoutingPolicy,
  redisKeys,
  SiteIndex,
  SiteIndexSync,
  startSweeper,
} from '@quarterhour/routing';
import type { Logger } from '@quarterhour/telemetry';
import { openWebhookOutbox } from '@quarterhour/webhooks';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import type { IntakeContext } from './context.ts';
import { HotStateGuard } from './hot-state.ts';
import { Authenticator } from './http/auth.ts';
import { OrderService } from './orders/order-service.ts';
import { ApiKeyStore } from './registry/api-keys.ts';
import { StockStore } from './registry/stock.ts';
import { routingMetrics } from './routing-metrics.ts';

const HOT_STATE_CHECK_MS = 2_000;
/** A reservation not confirmed by a committed order within this long is released. */
const PENDING_TTL_MS = 60_000;
/** How long Redis remembers an (API key, externalId) claim; PostgreSQL's unique key backs it forever. */
const CLAIM_TTL_MS = 15 * 60_000;
const SWEEP_EVERY_MS = 5_000;

export interface IntakeOptions {
  log: Logger;
  metricsHandler?: (req: Request, res: Response) => void;
  clock?: Clock;
  policy?: RoutingPolicy;
  /** Tests shorten the sweeper's period and the pending TTL. */
  pendingTtlMs?: number;
  sweepEveryMs?: number;
  /** Extra listeners of status changes (tests record them). */
  listeners?: StatusChangeListener[];
}

export interface IntakeHandle {
  port: number;
  url: string;
  context: IntakeContext;
  close(): Promise<void>;
}

/**
 * Starts the intake: migrations (when enabled), the environment's ops key, the hot stock
 * in Redis (rebuilt from PostgreSQL when missing), the site index and its sync, the
 * sweeper of stray reservations, and the HTTP server. Resolves once it listens.
 */
export async function startIntake(config: IntakeConfig, options: IntakeOptions): Promise<IntakeHandle> {
  const { log } = options;
  if (config.migrateOnStart) await ensureDatabase(config.databaseUrl);
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
  const metrics = routingMetrics();

  const apiKeys = new ApiKeyStore(sql);
  if (config.opsApiKey) await apiKeys.registerEnvironmentOpsKey(config.opsApiKey);
  else log.warn('OPS_API_KEY is not set: no ops key is registered from the environment');

  const hotStock = new HotStock(redis, keys);
  const hotState = new HotStateGuard(sql, redis, keys, (result) =>
    log.info('rebuilt hot stock from PostgreSQL', { sites: result.sites, skus: result.skus }),
  );
  await hotState.ensure(true);

  const sites = new SiteStore(sql);
  const siteIndex = new SiteIndex(config.circle);
  const siteSync = new SiteIndexSync(sites, siteIndex, keys, (error) =>
    log.warn('site index refresh failed', { error: error.message }),
  );
  await siteSync.start(redis);
  log.info('site index loaded', { sites: siteIndex.size });

  const reserver = new Reserver(redis, keys, {
    pendingTtlMs: options.pendingTtlMs ?? PENDING_TTL_MS,
    claimTtlMs: CLAIM_TTL_MS,
  });
  const stopSweeper = startSweeper(sql, redis, keys, reserver, {
    everyMs: options.sweepEveryMs ?? SWEEP_EVERY_MS,
    onSweep: (result) => {
      if (result.released) {
        metrics.recordStraysReleased(result.released);
        log.warn('released reservations of orders never committed', { released: result.released });
      }
    },
    onError: (error) => log.warn('reservation sweep failed', { error: error.message }),
  });

  const clock = options.clock ?? systemClock;
  // What must follow every status change (webhooks, couriers, lockers) registers here.
  const listeners: StatusChangeListener[] = [...(options.listeners ?? [])];
  const webhooks = openWebhookOutbox({
    sql,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    retry: config.webhooks,
    log,
    name: 'intake',
  });
  listeners.push(webhooks.outbox);
  const runtime = await startLifecycleRuntime({
    config,
    sql,
    redis,
    clock,
    listeners,
    policy: options.policy,
    index: { index: siteIndex, sync: siteSync },
  });

  const logistics = logisticsKeys(config.redisPrefix);
  await ensureLogisticsHotState(sql, redis, logistics);

  const orderStore = new OrderStore(sql);
  const auth = new Authenticator(apiKeys);
  const context: IntakeContext = {
    config,
    sql,
    redis,
    keys,
    log,
    auth,
    apiKeys,
    sites,
    stock: new StockStore(sql, hotStock),
    hotStock,
    hotState,
    siteIndex,
    orderStore,
    lifecycle: runtime.lifecycle,
    fulfilment: runtime.fulfilment,
    logistics: runtime.logistics,
    couriers: new CourierRegistry(sql, redis, logistics),
    lockers: new LockerRegistry(sql, redis, logistics),
    orders: new OrderService({
      sql,
      orders: orderStore,
      index: siteIndex,
      reserver,
      hotState,
      policy: options.policy ?? nearestPolicy,
      clock,
      metrics,
      listeners: runtime.listeners,
      timers: runtime.timers,
    }),
    publishSiteChange: async (siteId) => {
      // This process sees its own change at once; the others within a message's latency.
      await siteSync.refresh(siteId);
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
      stopSweeper();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
      });
      siteSync.stop();
      await runtime.close();
      await webhooks.close();
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await sql.end({ timeout: 5 });
    },
  };
}
