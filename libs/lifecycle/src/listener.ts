import type { Queryable } from '@quarterhour/db';
import type { Order, OrderStatus } from '@quarterhour/domain';

/** One change of an order's status, as committed. */
export interface StatusChange {
  orderId: string;
  platformKeyId: string;
  /** The site the order is at after the change (null when unroutable). */
  siteId: string | null;
  from: OrderStatus | null;
  status: OrderStatus;
  at: Date;
  /** The order as it is after the change (without events). */
  order: Order;
}

/**
 * Something that must follow every status change: webhooks, courier and locker jobs.
 * `record` runs inside the transition's transaction, so what it writes (an outbox row)
 * commits or rolls back with the change; `afterCommit` runs once the change is durable
 * and must not throw (it enqueues work that a sweeper would otherwise pick up).
 */
export interface StatusChangeListener {
  record?(tx: Queryable, change: StatusChange): Promise<void>;
  /** Many changes in one go (new orders committed together); without it, `record` each. */
  recordMany?(tx: Queryable, changes: readonly StatusChange[]): Promise<void>;
  afterCommit?(changes: readonly StatusChange[]): Promise<void> | void;
}
