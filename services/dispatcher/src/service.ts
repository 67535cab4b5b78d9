import type { WorkerConfig } from '@quarterhour/config';
import { createQueueWorker, type JobHandlers, startWorkerHost, type WorkerHost } from '@quarterhour/queue';
import { acceptanceHandlers } from './acceptance.ts';

export interface DispatcherOptions {
  /** Replace some handlers, e.g. in tests to hold a job in flight. */
  handlers?: Partial<JobHandlers<'acceptance'>>;
}

export type Dispatcher = WorkerHost;

/**
 * The dispatcher: works the acceptance queue (timers, later re-routing and courier
 * assignment) behind a health server. `close()` is the graceful stop main.ts runs on SIGTERM.
 */
export function startDispatcher(config: WorkerConfig, options: DispatcherOptions = {}): Promise<Dispatcher> {
  return startWorkerHost({
    service: 'dispatcher',
    config,
    workers: (context) => [
      createQueueWorker({
        ...context,
        queue: 'acceptance',
        handlers: { ...acceptanceHandlers, ...options.handlers },
      }),
    ],
  });
}
