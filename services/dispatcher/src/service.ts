import type { WorkerConfig } from '@quarterhour/config';
import { createDb } from '@quarterhour/db';
import { type Clock, systemClock } from '@quarterhour/domain';
import {
  type OrderLifecycle,
  type StatusChangeListener,
  startLifecycleRuntime,
} from '@quarterhour/lifecycle';
import {
  createQueueWorker,
  createRedisConnection,
  type JobHandlers,
  startWorkerHost,
} from '@quarterhour/queue';
import { createLogger } from '@quarterhour/telemetry';
import { openWebhookOutbox } from '@quarterhour/webhooks';
import { acceptanceHandlers } from './acceptance.ts';
import { type OverdueSweeper, startOverdueSweeper } from './overdue.ts';

/** How often the dispatcher looks for orders whose acceptance timer was lost, and how late they must be. */
const OVERDUE_SWEEP_MS = 30_000;
const OVERDUE_GRACE_MS = 30_000;

export interface DispatcherOptions {
  /** Replace some handlers, e.g. in tests to hold a job in flight. */
  handlers?: Partial<JobHandlers<'acceptance'>>;
  clock?: Clock;
  /** Extra listeners of the status changes the dispatcher makes (tests record them). */
  listeners?: StatusChangeListener[];
  /** The overdue-acceptance sweep's period and grace (defaults 30 s and 30 s). */
  overdueSweep?: { everyMs: number; graceMs: number };
}

export interface Dispatcher {
  readonly port: number;
  readonly lifecycle: OrderLifecycle;
  /** Runs the overdue-acceptance sweep once now; resolves to the orders it re-routed. */
  sweepOverdue(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The dispatcher: works the acceptance queue — deadlines that re-route orders — behind
 * a health server, with its own site index kept current like the intake's. `close()`
 * is the graceful stop main.ts runs on SIGTERM.
 */
export async function startDispatcher(
  config: WorkerConfig,
  options: DispatcherOptions = {},
): Promise<Dispatcher> {
  const sql = createDb(config.databaseUrl, { max: 10, applicationName: 'quarterhour-dispatcher' });
  const redis = createRedisConnection(config.redisUrl, { role: 'client', name: 'dispatcher-lifecycle' });
  const log = createLogger({ service: 'dispatcher', level: config.log.level });
  // Re-routes change status too: the platform's webhooks hear of them like any other change.
  const webhooks = openWebhookOutbox({
    sql,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    retry: config.webhooks,
    log,
    name: 'dispatcher',
  });
  const listeners: StatusChangeListener[] = [webhooks.outbox, ...(options.listeners ?? [])];
  const clock = options.clock ?? systemClock;
  const runtime = await startLifecycleRuntime({
    config,
    sql,
    redis,
    clock,
    listeners,
  });
  let sweeper: OverdueSweeper | undefined;
  const host = await startWorkerHost({
    service: 'dispatcher',
    config,
    workers: (context) => {
      // Built here, once the host has started telemetry, so its counter is real.
      sweeper = startOverdueSweeper({
        sql,
        lifecycle: runtime.lifecycle,
        clock,
        everyMs: options.overdueSweep?.everyMs ?? OVERDUE_SWEEP_MS,
        graceMs: options.overdueSweep?.graceMs ?? OVERDUE_GRACE_MS,
        log: context.logger,
      });
      return [
        createQueueWorker({
          ...context,
          queue: 'acceptance',
          handlers: { ...acceptanceHandlers(runtime.lifecycle), ...options.handlers },
        }),
      ];
    },
  });
  return {
    port: host.port,
    lifecycle: runtime.lifecycle,
    sweepOverdue: () => sweeper?.sweepOnce() ?? Promise.resolve(0),
    async close() {
      await sweeper?.stop();
      await host.close();
      await runtime.close();
      await webhooks.close();
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
  };
}
