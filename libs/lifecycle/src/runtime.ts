import type { CommonConfig } from '@quarterhour/config';
import { OrderStore, SiteStore, type Sql } from '@quarterhour/db';
import type { Clock } from '@quarterhour/domain';
import {
  CourierDispatch,
  courierSearchListener,
  FulfilmentJobs,
  LockerDispatch,
  logisticsKeys,
} from '@quarterhour/logistics';
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
import { FulfilmentActions } from './fulfilment.ts';
import { type LogisticsDeps, OrderLifecycle } from './lifecycle.ts';
import type { StatusChangeListener } from './listener.ts';
import { type AcceptanceTimers, QueueAcceptanceTimers } from './timers.ts';

export interface LifecycleRuntime {
  lifecycle: OrderLifecycle;
  fulfilment: FulfilmentActions;
  logistics: LogisticsDeps;
  /** Every listener of status changes in this process, the runtime's own included. */
  listeners: readonly StatusChangeListener[];
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
  const producer = createRedisConnection(config.redisUrl, { role: 'client', name: 'lifecycle' });
  const target = { connection: producer, redisPrefix: config.redisPrefix };
  const queue = createQueue('acceptance', target);
  const fulfilmentQueue = createQueue('fulfilment', target);
  const timers = new QueueAcceptanceTimers(queue, clock);
  const held = new HeldStock(redis, keys);
  const orders = new OrderStore(sql);
  const parcels = logisticsKeys(config.redisPrefix);
  const logistics: LogisticsDeps = {
    couriers: new CourierDispatch(sql, redis, parcels, { ...config.couriers, clock }),
    lockers: new LockerDispatch(sql, redis, parcels, { circle: config.circle, clock }),
    jobs: new FulfilmentJobs(fulfilmentQueue, clock),
  };
  // Accepted delivery orders start their courier search, wherever they were accepted.
  const listeners: StatusChangeListener[] = [
    ...options.listeners,
    courierSearchListener(logistics.jobs, (error) => options.onError?.(error as Error)),
  ];
  const lifecycle = new OrderLifecycle({
    sql,
    orders,
    held,
    logistics,
    index: shared.index,
    policy: options.policy ?? nearestPolicy,
    clock,
    timers,
    listeners,
    indexLoaded: () => shared.sync.loaded,
    rebuildHotState: async () => {
      await ensureHotState(sql, redis, keys);
    },
  });
  // Locker orders accepted by an auto site take their compartment once committed.
  listeners.push({
    async afterCommit(changes) {
      for (const change of changes) {
        if (change.status !== 'accepted' || change.order.fulfilment !== 'locker') continue;
        await lifecycle
          .reserveLockerAfterAccept(change.orderId)
          .catch((error) => options.onError?.(error as Error));
      }
    },
  });
  return {
    lifecycle,
    listeners,
    fulfilment: new FulfilmentActions(lifecycle, { orders, sites: new SiteStore(sql), held, logistics }),
    logistics,
    index: shared.index,
    sync: shared.sync,
    timers,
    async close() {
      owned?.stop();
      await queue.close();
      await fulfilmentQueue.close();
      producer.disconnect();
    },
  };
}
