import type { Queryable } from '@quarterhour/db';
import type { StatusChange, StatusChangeListener } from '@quarterhour/lifecycle';
import type { TypedQueue } from '@quarterhour/queue';
import type { Logger } from '@quarterhour/telemetry';
import { deliveryJobOptions, type WebhookRetryPolicy } from './retry.ts';

export interface WebhookOutboxOptions {
  /** The pool: `afterCommit` runs outside any transaction. */
  sql: Queryable;
  queue: TypedQueue<'webhooks'>;
  retry: WebhookRetryPolicy;
  log: Logger;
}

/**
 * Follows every status change with one message per webhook of the order's platform key.
 *
 * `record` writes the messages in the change's own transaction, so a message exists if and
 * only if the change committed. Their `seq` is the next one of each (webhook, order) pair;
 * the lifecycle serialises the transitions of one order (it holds the order's row), so two
 * transactions never number the same pair at once.
 *
 * `afterCommit` enqueues one delivery job per (webhook, order) pair. It never throws: a
 * lost enqueue (Redis down, a crash right after the commit) is found by the fulfilment
 * service's sweep within a few seconds.
 */
export class WebhookOutbox implements StatusChangeListener {
  constructor(private readonly options: WebhookOutboxOptions) {}

  async record(tx: Queryable, change: StatusChange): Promise<void> {
    const body = JSON.stringify({
      type: `order.${change.status}`,
      orderId: change.orderId,
      at: change.at.toISOString(),
      order: change.order,
    });
    await tx`
      insert into webhook_messages (id, webhook_id, order_id, seq, type, body)
      select 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.id, ${change.orderId},
        coalesce((select max(m.seq) from webhook_messages m
                  where m.webhook_id = w.id and m.order_id = ${change.orderId}), 0) + 1,
        ${`order.${change.status}`}, ${body}
      from webhooks w where w.platform_key_id = ${change.platformKeyId}`;
  }

  async afterCommit(changes: readonly StatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    const { queue, log } = this.options;
    let pairs: { webhookId: string; orderId: string }[];
    try {
      pairs = await this.pairsOf(changes);
    } catch (error) {
      log.warn('webhook deliveries not enqueued; the sweep will find them', {
        changes: changes.length,
        error,
      });
      return;
    }
    const options = deliveryJobOptions(this.options.retry);
    const results = await Promise.allSettled(
      pairs.map((pair) => queue.add('webhookDelivery', pair, options)),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      log.warn('webhook deliveries not enqueued; the sweep will find them', {
        pairs: failed.length,
        error: failed[0]?.reason,
      });
    }
  }

  /** The (webhook, order) pairs the changes made messages for, each once. */
  private async pairsOf(changes: readonly StatusChange[]): Promise<{ webhookId: string; orderId: string }[]> {
    const keys = [...new Set(changes.map((change) => change.platformKeyId))];
    const rows = await this.options.sql<{ id: string; platform_key_id: string }[]>`
      select id, platform_key_id from webhooks where platform_key_id = any(${keys}::text[])`;
    if (rows.length === 0) return [];
    const pairs = new Map<string, { webhookId: string; orderId: string }>();
    for (const change of changes) {
      for (const row of rows) {
        if (row.platform_key_id !== change.platformKeyId) continue;
        pairs.set(`${row.id} ${change.orderId}`, { webhookId: row.id, orderId: change.orderId });
      }
    }
    return [...pairs.values()];
  }
}
