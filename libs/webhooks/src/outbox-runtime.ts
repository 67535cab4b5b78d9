import type { Queryable } from '@quarterhour/db';
import { createQueue, createRedisConnection } from '@quarterhour/queue';
import type { Logger } from '@quarterhour/telemetry';
import { WebhookOutbox } from './outbox.ts';
import type { WebhookRetryPolicy } from './retry.ts';

export interface WebhookOutboxRuntime {
  /** Register it with the process's status-change listeners. */
  outbox: WebhookOutbox;
  close(): Promise<void>;
}

/**
 * The outbox with a producer of its own: a fail-fast Redis connection, so a status change
 * is never held up by Redis (the enqueue is given up and the sweep delivers instead).
 * Every process that changes order statuses (intake, dispatcher, fulfilment) opens one.
 */
export function openWebhookOutbox(options: {
  sql: Queryable;
  redisUrl: string;
  redisPrefix: string;
  retry: WebhookRetryPolicy;
  log: Logger;
  /** Shown by CLIENT LIST, e.g. `intake`. */
  name: string;
}): WebhookOutboxRuntime {
  const connection = createRedisConnection(options.redisUrl, {
    role: 'client',
    name: `${options.name}-webhooks`,
  });
  const queue = createQueue('webhooks', { connection, redisPrefix: options.redisPrefix });
  // Redis being down is expected and handled (the sweep); without listeners these would go to stderr.
  const quiet = (error: Error) =>
    options.log.debug('webhook producer: Redis error', { error: error.message });
  connection.on('error', quiet);
  queue.queue.on('error', quiet);
  return {
    outbox: new WebhookOutbox({ sql: options.sql, queue, retry: options.retry, log: options.log }),
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
