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
  /** Changes whose key had no webhook when they were recorded. */
  private readonly silent = new WeakSet<StatusChange>();

  constructor(private readonly options: WebhookOutboxOptions) {}

  async record(tx: Queryable, change: StatusChange): Promise<void> {
    await this.recordMany(tx, [change]);
  }

  /**
   * The messages of many changes in one statement (a group commit of new orders makes
   * dozens at once). Changes of one order are numbered in the order given.
   */
  async recordMany(tx: Queryable, changes: readonly StatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    // Most platforms have no webhook: ask first (a few bytes), and build and send the
    // bodies only for the keys that have one.
    const keys = [...new Set(changes.map((change) => change.platformKeyId))];
    const hooked = new Set(
      (
        await tx<{ platform_key_id: string }[]>`
          select distinct platform_key_id from webhooks where platform_key_id = any(${keys}::text[])`
      ).map((row) => row.platform_key_id),
    );
    const messaged = changes.filter((change) => hooked.has(change.platformKeyId));
    for (const change of changes) if (!hooked.has(change.platformKeyId)) this.silent.add(change);
    if (messaged.length === 0) return;
    const rows = messaged.map((change) => ({
      order_id: change.orderId,
      key_id: change.platformKeyId,
      type: `order.${change.status}`,
      body: JSON.stringify({
        type: `order.${change.status}`,
        orderId: change.orderId,
        at: change.at.toISOString(),
        order: change.order,
      }),
    }));
    await tx`
      insert into webhook_messages (id, webhook_id, order_id, seq, type, body)
      select 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.id, c.order_id,
        coalesce((select max(m.seq) from webhook_messages m
                  where m.webhook_id = w.id and m.order_id = c.order_id), 0)
          + row_number() over (partition by w.id, c.order_id order by c.n),
        c.type, c.body
      from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
          as (order_id text, key_id text, type text, body text)) with ordinality
        as c(order_id, key_id, type, body, n)
      join webhooks w on w.platform_key_id = c.key_id`;
  }

  async afterCommit(all: readonly StatusChange[]): Promise<void> {
    // Changes recorded without a message have nothing to deliver.
    const changes = all.filter((change) => !this.silent.has(change));
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
