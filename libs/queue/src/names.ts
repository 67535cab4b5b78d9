/**
 * Every BullMQ queue of the system, in one place. Producers and workers name queues only
 * through this catalog, so a typo cannot create a queue nobody works on.
 */
export const QUEUES = {
  /** Acceptance timers of assigned orders, re-routing (services/dispatcher). */
  acceptance: 'acceptance',
  /** Courier and locker work, locker expiry (services/fulfilment). */
  fulfilment: 'fulfilment',
  /** Webhook deliveries to platforms (services/fulfilment). */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const queueNames: readonly QueueName[] = Object.values(QUEUES);

/**
 * BullMQ's `prefix` option for a REDIS_PREFIX: keys become `<REDIS_PREFIX>:bull:{<queue>}:…`.
 * Everything stays under REDIS_PREFIX, so a test's prefix isolates (and cleans up) its queues.
 */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/**
 * The name given to BullMQ. The braces are a Redis Cluster hash tag: all keys of one queue
 * share a slot (BullMQ's scripts touch several at once), while different queues spread
 * over the cluster. Labels and logs use the plain name.
 */
export function bullQueueName(queue: QueueName): string {
  return `{${queue}}`;
}
