import type { CommonConfig } from '@quarterhour/config';
import { OrderStore, SiteStore, type Sql } from '@quarterhour/db';
import type { Clock } from '@quarterhour/domain';
import { createQueue, createRedisConnection } from '@quarterhour/queue';
import {
  ensureHotState,
  HeldStock,
  nearestPolicy,
  type RoutingPolicy,
  redisKeys,
  SiteIndex,
  SiteIndexSync,
} from '@quarterhour/routing';
import type { Redis } from 'ioredis';
import { OrderLifecycle } from './lifecycle.ts';
import type { StatusChangeListener } from './listener.ts';
import { type AcceptanceTimers, QueueAcceptanceTimers } from './timers.ts';

export interface LifecycleRuntime {
  lifecycle: OrderLifecycle;
  index: SiteIndex;
  sync: SiteIndexSync;
  timers: AcceptanceTimers;
  close(): Promise<void>;
}

/**
 * Everything a process needs to move orders through their life: its own site index
 * kept current from PostgreSQL, the held-stock scripts, and the acceptance timer queue.
 * The intake and the dispatcher both build one, so neither copies the other's wiring.
 */
export async function startLifecycleRuntime(options: {
  config: CommonConfig;
  sql: Sql;
  redis: Redis;
  clock: Clock;
  listeners: readonly StatusChangeListener[];
  policy?: RoutingPolicy;
  /** An index already kept current by the caller (the intake shares its routing index). */
  index?: { index: SiteIndex; sync: SiteIndexSync };
  onError?: (error: Error) => void;
}): Promise<LifecycleRuntime> {
  const { config, sql, redis, clock } = options;
  const keys = redisKeys(config.redisPrefix);
  let owned: SiteIndexSync | undefined;
  let shared = options.index;
  if (!shared) {
    const index = new SiteIndex(config.circle);
    owned = new SiteIndexSync(new SiteStore(sql), index, keys, options.onError);
    // A worker starts even before PostgreSQL answers; it re-routes nothing until the index is loaded.
    await owned.start(redis, { tolerateFailure: true });
    shared = { index, sync: owned };
  }
  const producer = createRedisConnection(config.redisUrl, { role: 'client', name: 'timers' });
  const queue = createQueue('acceptance', { connection: producer, redisPrefix: config.redisPrefix });
  const timers = new QueueAcceptanceTimers(queue, clock);
  const lifecycle = new OrderLifecycle({
    sql,
    orders: new OrderStore(sql),
    held: new HeldStock(redis, keys),
    index: shared.index,
    policy: options.policy ?? nearestPolicy,
    clock,
    timers,
    listeners: options.listeners,
    indexLoaded: () => shared.sync.loaded,
    rebuildHotState: async () => {
      await ensureHotState(sql, redis, keys);
    },
  });
  return {
    lifecycle,
    index: shared.index,
    sync: shared.sync,
    timers,
    async close() {
      owned?.stop();
      await queue.close();
      producer.disconnect();
    },
  };
}
