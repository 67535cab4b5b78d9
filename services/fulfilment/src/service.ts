import type { WorkerConfig } from '@quarterhour/config';
import { createQueueWorker, type JobHandlers, startWorkerHost, type WorkerHost } from '@quarterhour/queue';
import { fulfilmentHandlers, webhookHandlers } from './handlers.ts';

export interface FulfilmentOptions {
  /** Replace some handlers, e.g. in tests to hold a job in flight. */
  handlers?: {
    fulfilment?: Partial<JobHandlers<'fulfilment'>>;
    webhooks?: Partial<JobHandlers<'webhooks'>>;
  };
}

export type Fulfilment = WorkerHost;

/**
 * The fulfilment service: works the fulfilment queue (couriers, lockers, expiry) and the
 * webhooks queue behind a health server. `close()` is the graceful stop main.ts runs on SIGTERM.
 */
export function startFulfilment(config: WorkerConfig, options: FulfilmentOptions = {}): Promise<Fulfilment> {
  return startWorkerHost({
    service: 'fulfilment',
    config,
    workers: (context) => [
      createQueueWorker({
        ...context,
        queue: 'fulfilment',
        handlers: { ...fulfilmentHandlers, ...options.handlers?.fulfilment },
      }),
      createQueueWorker({
        ...context,
        queue: 'webhooks',
        handlers: { ...webhookHandlers, ...options.handlers?.webhooks },
      }),
    ],
  });
}
