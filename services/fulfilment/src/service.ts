import type { WorkerConfig } from '@quarterhour/config';
import { createDb } from '@quarterhour/db';
import { type Clock, systemClock } from '@quarterhour/domain';
import { startLifecycleRuntime } from '@quarterhour/lifecycle';
import {
  createQueue,
  createQueueWorker,
  createRedisConnection,
  type JobHandlers,
  startWorkerHost,
  type WorkerHost,
} from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import {
  openWebhookOutbox,
  startWebhookSweeper,
  WebhookDeliverer,
  type WebhookSweeper,
} from '@quarterhour/webhooks';
import { webhookHandlers } from './handlers.ts';
import { createLogisticsRuntime, type LogisticsOptions } from './logistics/runtime.ts';

export interface FulfilmentOptions {
  /** Replace some handlers, e.g. in tests to hold a job in flight. */
  handlers?: {
    fulfilment?: Partial<JobHandlers<'fulfilment'>>;
    webhooks?: Partial<JobHandlers<'webhooks'>>;
  };
  /** The source of webhook timestamps. */
  clock?: Clock;
  /** The order lifecycle that courier and locker jobs report to, and their clock (default `clock`). */
  logistics?: LogisticsOptions;
}

export type Fulfilment = WorkerHost;

/** Webhook handlers read messages and write outcomes; short queries, so a few connections serve many jobs. */
const WEBHOOK_DB_CONNECTIONS = 8;

/**
 * The fulfilment service: works the fulfilment queue (couriers, lockers, expiry) and the
 * webhooks queue behind a health server, and sweeps webhook messages left pending.
 * `close()` is the graceful stop main.ts runs on SIGTERM.
 */
export async function startFulfilment(
  config: WorkerConfig,
  options: FulfilmentOptions = {},
): Promise<Fulfilment> {
  const settings = config.webhooks;
  const sql = createDb(config.databaseUrl, {
    max: WEBHOOK_DB_CONNECTIONS,
    applicationName: 'quarterhour-fulfilment-webhooks',
  });
  // The jobs report to the order lifecycle; its changes (courier assigned, parcel expired)
  // reach the platform's webhooks like any other.
  const redis = createRedisConnection(config.redisUrl, { role: 'client', name: 'fulfilment-lifecycle' });
  const log = createLogger({ service: 'fulfilment', level: config.log.level });
  const webhooks = openWebhookOutbox({
    sql,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    retry: settings,
    log,
    name: 'fulfilment',
  });
  const lifecycle = options.logistics?.events
    ? undefined
    : await startLifecycleRuntime({
        config,
        sql,
        redis,
        clock: options.clock ?? systemClock,
        listeners: [webhooks.outbox],
        onError: (error) => log.warn('lifecycle error', { error: error.message }),
      });
  const logistics = createLogisticsRuntime(config, {
    clock: options.clock,
    events: lifecycle?.fulfilment,
    ...options.logistics,
  });
  const closeLifecycle = async () => {
    await lifecycle?.close();
    await webhooks.close();
    redis.disconnect();
  };
  let sweeper: WebhookSweeper | undefined;
  let host: WorkerHost;
  try {
    host = await startWorkerHost({
      service: 'fulfilment',
      config,
      workers: (context) => {
        // Built here, once the host has started telemetry, so its instruments are real.
        const deliverer = new WebhookDeliverer({ sql, settings, clock: options.clock });
        const sweepQueue = createQueue('webhooks', context);
        // The host already logs errors of the shared connection; this only keeps them off stderr.
        sweepQueue.queue.on('error', () => {});
        sweeper = startWebhookSweeper({
          sql,
          queue: sweepQueue,
          retry: settings,
          timeoutMs: settings.timeoutMs,
          everyMs: settings.sweepEveryMs,
          log: context.logger,
        });
        return [
          createQueueWorker({
            ...context,
            queue: 'fulfilment',
            handlers: { ...logistics.handlers(context), ...options.handlers?.fulfilment },
          }),
          createQueueWorker({
            ...context,
            queue: 'webhooks',
            handlers: { ...webhookHandlers(deliverer), ...options.handlers?.webhooks },
          }),
        ];
      },
    });
  } catch (error) {
    await sweeper?.stop();
    await closeLifecycle();
    await Promise.all([sql.end({ timeout: 1 }), logistics.close()]);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    port: host.port,
    close() {
      // The sweeper first (it adds jobs), the workers next (they still need PostgreSQL), the pool last.
      closing ??= (async () => {
        await sweeper?.stop();
        await host.close();
        await closeLifecycle();
        await Promise.all([sql.end({ timeout: 5 }), logistics.close()]);
      })();
      return closing;
    },
  };
}
