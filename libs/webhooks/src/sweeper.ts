import type { Queryable } from '@quarterhour/db';
import type { TypedQueue } from '@quarterhour/queue';
import type { Logger } from '@quarterhour/telemetry';
import { deliveryJobOptions, longestBackoffMs, type WebhookRetryPolicy } from './retry.ts';

export interface WebhookSweepOptions {
  sql: Queryable;
  queue: TypedQueue<'webhooks'>;
  retry: WebhookRetryPolicy;
  /**
   * A head message never tried is re-enqueued once it is older than this; one tried before,
   * once its last try is older than the longest back-off plus this.
   */
  graceMs: number;
  /** Also covers the delivery timeout of the last try. */
  timeoutMs: number;
  /** Pairs re-enqueued per sweep at most; the rest wait for the next. */
  limit?: number;
}

const DEFAULT_LIMIT = 1000;

/**
 * Re-enqueues the (webhook, order) pairs whose oldest pending message has no job working
 * on it: the enqueue after the commit was lost (a crash, Redis down), a message arrived
 * as the pair's job was finishing, or the job ran out of attempts before its message did.
 * A pair whose job still exists is skipped by BullMQ (same job id), so a sweep that
 * guesses wrong costs one no-op add. Returns the pairs enqueued.
 */
export async function sweepWebhookMessages(options: WebhookSweepOptions): Promise<number> {
  const staleMs = longestBackoffMs(options.retry) + options.timeoutMs + options.graceMs;
  const pairs = await options.sql<{ webhook_id: string; order_id: string }[]>`
    select webhook_id, order_id from (
      select distinct on (webhook_id, order_id) webhook_id, order_id, attempts, created_at, last_attempt_at
      from webhook_messages where status = 'pending'
      order by webhook_id, order_id, seq
    ) head
    where case when head.attempts = 0
               then head.created_at < now() - ${options.graceMs} * interval '1 millisecond'
               else head.last_attempt_at < now() - ${staleMs} * interval '1 millisecond' end
    limit ${options.limit ?? DEFAULT_LIMIT}`;
  const jobOptions = deliveryJobOptions(options.retry);
  await Promise.all(
    pairs.map((pair) =>
      options.queue.add(
        'webhookDelivery',
        { webhookId: pair.webhook_id, orderId: pair.order_id },
        jobOptions,
      ),
    ),
  );
  return pairs.length;
}

export interface WebhookSweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Sweeps every `everyMs` (one at a time); the grace equals the period. */
export function startWebhookSweeper(
  options: Omit<WebhookSweepOptions, 'graceMs'> & { everyMs: number; log: Logger },
): WebhookSweeper {
  let running: Promise<void> | undefined;
  const sweep = async () => {
    try {
      const enqueued = await sweepWebhookMessages({ ...options, graceMs: options.everyMs });
      if (enqueued > 0) options.log.info('re-enqueued webhook deliveries left pending', { pairs: enqueued });
    } catch (error) {
      options.log.warn('webhook sweep failed', { error });
    }
  };
  const timer = setInterval(() => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
  }, options.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
