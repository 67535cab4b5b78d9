import type { WorkerConfig } from '@quarterhour/config';
import { createDb } from '@quarterhour/db';
import { type Clock, systemClock } from '@quarterhour/domain';
import {
  CourierDispatch,
  FulfilmentJobs,
  LockerDispatch,
  logisticsKeys,
  type OrderEvents,
} from '@quarterhour/logistics';
import { createQueue, type JobHandlers, type TypedQueue, type WorkerHostContext } from '@quarterhour/queue';
import { UnrecoverableError } from 'bullmq';
import { logisticsHandlers } from './handlers.ts';
import { courierMetrics } from './metrics.ts';

export interface LogisticsOptions {
  /** The order lifecycle; until it is wired, courier and locker jobs fail unretried, saying so. */
  events?: OrderEvents;
  clock?: Clock;
}

export interface LogisticsRuntime {
  /** Builds the fulfilment queue's handlers on the host's shared Redis connection. */
  handlers(context: WorkerHostContext): JobHandlers<'fulfilment'>;
  close(): Promise<void>;
}

/** Courier and locker handlers run a few short queries each. */
const DB_CONNECTIONS = 4;

/** The courier and locker side of the fulfilment service: its pool, dispatchers and producers. */
export function createLogisticsRuntime(
  config: WorkerConfig,
  options: LogisticsOptions = {},
): LogisticsRuntime {
  const clock = options.clock ?? systemClock;
  const sql = createDb(config.databaseUrl, {
    max: DB_CONNECTIONS,
    applicationName: 'quarterhour-fulfilment-logistics',
  });
  const keys = logisticsKeys(config.redisPrefix);
  let queue: TypedQueue<'fulfilment'> | undefined;
  return {
    handlers(context) {
      queue = createQueue('fulfilment', context);
      return logisticsHandlers({
        couriers: new CourierDispatch(sql, context.connection, keys, { ...config.couriers, clock }),
        lockers: new LockerDispatch(sql, context.connection, keys, { circle: config.circle, clock }),
        jobs: new FulfilmentJobs(queue, clock),
        events: options.events ?? unwiredEvents,
        clock,
        metrics: courierMetrics(),
      });
    },
    async close() {
      await queue?.close();
      await sql.end({ timeout: 5 });
    },
  };
}

const unwired = async (): Promise<never> => {
  throw new UnrecoverableError('the order lifecycle is not wired into the fulfilment service (OrderEvents)');
};

const unwiredEvents: OrderEvents = {
  courierTarget: unwired,
  onCourierAssigned: unwired,
  onCourierUnavailable: unwired,
  onCourierTimedOut: unwired,
  expireLockerOrder: unwired,
};
