import type { Queryable } from '@quarterhour/db';
import { type Clock, systemClock } from '@quarterhour/domain';
import type { Logger } from '@quarterhour/telemetry';
import { postWebhook } from './http-post.ts';
import { webhookInstruments } from './metrics.ts';
import { signWebhook } from './signature.ts';

export interface DeliverySettings {
  /** WEBHOOK_ATTEMPTS: a message failed this many times is dead-lettered. */
  attempts: number;
  timeoutMs: number;
  /** ALLOW_PRIVATE_WEBHOOKS: else every connection is checked to go to a public address. */
  allowPrivate: boolean;
}

export interface WebhookDelivererOptions {
  sql: Queryable;
  settings: DeliverySettings;
  /** The source of `webhook-timestamp`. */
  clock?: Clock;
}

export interface DeliveryContext {
  /** Aborted at shutdown: the POST in flight stops and the job is left to run again. */
  signal?: AbortSignal | undefined;
  logger: Logger;
}

/** The head message of a pair failed and has attempts left: the job's back-off applies. */
export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

interface PendingMessage {
  id: string;
  body: string;
  created_at: Date;
  url: string;
  secret: string;
}

/**
 * Delivers the pending messages of one (webhook, order) pair, strictly in `seq` order.
 * A success moves on to the next message; a failure with attempts left throws
 * `WebhookDeliveryError` (the job retries later, the messages behind wait); a failure that
 * was the message's last attempt dead-letters it and moves on. It returns only once the
 * pair has nothing pending, so a message recorded during the run is not left behind.
 */
export class WebhookDeliverer {
  private readonly instruments = webhookInstruments();
  private readonly clock: Clock;

  constructor(private readonly options: WebhookDelivererOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async deliverPair(pair: { webhookId: string; orderId: string }, context: DeliveryContext): Promise<void> {
    for (;;) {
      const message = await this.nextPending(pair);
      if (!message) return;
      const ids = { webhookId: pair.webhookId, orderId: pair.orderId, messageId: message.id };
      const started = performance.now();
      const result = await postWebhook(message.url, this.headers(message), message.body, {
        timeoutMs: this.options.settings.timeoutMs,
        allowPrivate: this.options.settings.allowPrivate,
        signal: context.signal,
      });
      const outcome = result.ok ? 'delivered' : 'failed';
      this.instruments.duration.record((performance.now() - started) / 1000, { outcome });

      if (result.ok) {
        await this.markDelivered(message.id);
        this.instruments.deliveries.add(1, { outcome });
        this.instruments.lag.record(
          Math.max(0, this.clock.now().getTime() - message.created_at.getTime()) / 1000,
        );
        continue;
      }
      // Cut short by shutdown: not the receiver's fault, so not an attempt; the job runs again.
      if (context.signal?.aborted) throw new Error(`delivery of ${message.id} aborted by shutdown`);
      this.instruments.deliveries.add(1, { outcome });
      const failure = await this.markFailed(message.id, result.error);
      if (!failure) continue; // deleted or finished by someone else meanwhile
      if (failure.status === 'dead') {
        this.instruments.dead.add(1);
        context.logger.warn('webhook message dead-lettered after its last attempt', {
          ...ids,
          attempts: failure.attempts,
          lastError: result.error,
        });
        continue;
      }
      throw new WebhookDeliveryError(
        `webhook ${pair.webhookId}, message ${message.id} (attempt ${failure.attempts} of ${this.options.settings.attempts}): ${result.error}`,
      );
    }
  }

  private headers(message: PendingMessage): Record<string, string> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    return { ...signWebhook(message.secret, message.id, timestamp, message.body) };
  }

  private async nextPending(pair: {
    webhookId: string;
    orderId: string;
  }): Promise<PendingMessage | undefined> {
    const [row] = await this.options.sql<PendingMessage[]>`
      select m.id, m.body, m.created_at, w.url, w.secret
      from webhook_messages m join webhooks w on w.id = m.webhook_id
      where m.webhook_id = ${pair.webhookId} and m.order_id = ${pair.orderId} and m.status = 'pending'
      order by m.seq limit 1`;
    return row;
  }

  private async markDelivered(id: string): Promise<void> {
    await this.options.sql`
      update webhook_messages
      set status = 'delivered', attempts = attempts + 1, last_attempt_at = now(), delivered_at = now(), last_error = null
      where id = ${id} and status = 'pending'`;
  }

  private async markFailed(
    id: string,
    error: string,
  ): Promise<{ status: 'pending' | 'dead'; attempts: number } | undefined> {
    const max = this.options.settings.attempts;
    const [row] = await this.options.sql<{ status: 'pending' | 'dead'; attempts: number }[]>`
      update webhook_messages
      set attempts = attempts + 1, last_error = ${error.slice(0, 500)}, last_attempt_at = now(),
        status = case when attempts + 1 >= ${max} then 'dead' else 'pending' end,
        dead_at = case when attempts + 1 >= ${max} then now() end
      where id = ${id} and status = 'pending'
      returning status, attempts`;
    return row;
  }
}
