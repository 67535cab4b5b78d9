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
import { acceptanceHandlers } from './acceptance.ts';

export interface DispatcherOptions {
  /** Replace some handlers, e.g. in tests to hold a job in flight. */
  handlers?: Partial<JobHandlers<'acceptance'>>;
  clock?: Clock;
  /** Extra listeners of the status changes the dispatcher makes (tests record them). */
  listeners?: StatusChangeListener[];
}

export interface Dispatcher {
  readonly port: number;
  readonly lifecycle: OrderLifecycle;
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
  const listeners: StatusChangeListener[] = [...(options.listeners ?? [])];
  const runtime = await startLifecycleRuntime({
    config,
    sql,
    redis,
    clock: options.clock ?? systemClock,
    listeners,
  });
  const host = await startWorkerHost({
    service: 'dispatcher',
    config,
    workers: (context) => [
      createQueueWorker({
        ...context,
        queue: 'acceptance',
        handlers: { ...acceptanceHandlers(runtime.lifecycle), ...options.handlers },
      }),
    ],
  });
  return {
    port: host.port,
    lifecycle: runtime.lifecycle,
    async close() {
      await host.close();
      await runtime.close();
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
  };
}
