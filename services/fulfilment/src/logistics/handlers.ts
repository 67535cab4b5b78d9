import type { Clock } from '@quarterhour/domain';
import type { CourierDispatch, FulfilmentJobs, LockerDispatch, OrderEvents } from '@quarterhour/logistics';
import type { JobContext, JobHandlers } from '@quarterhour/queue';
import { RetryLater } from '@quarterhour/queue';
import { DelayedError } from 'bullmq';
import type { CourierMetrics } from './metrics.ts';

export interface LogisticsDeps {
  couriers: CourierDispatch;
  lockers: LockerDispatch;
  jobs: FulfilmentJobs;
  /** The order lifecycle: what these jobs tell it, and ask it. */
  events: OrderEvents;
  clock: Clock;
  metrics: CourierMetrics;
}

/** Thrown while no courier can take an order: an ordinary failure, so BullMQ retries it. */
export class NoCourierYetError extends RetryLater {
  constructor(orderId: string, waitedMs: number) {
    super(`no courier available for order ${orderId} yet (waited ${Math.round(waitedMs / 1000)} s)`);
    this.name = 'NoCourierYetError';
  }
}

/** The pause before a new round of courier search, once a round found nobody. */
const NEXT_ROUND_DELAY_MS = 60_000;

/**
 * Handlers of the fulfilment queue's courier and locker jobs. Courier and locker state
 * changes through libs/logistics; the order's status through `events` (the lifecycle).
 * Each handler is idempotent: every step either repeats harmlessly or finds it was done.
 */
export function logisticsHandlers(deps: LogisticsDeps): JobHandlers<'fulfilment'> {
  const { couriers, lockers, jobs, events, metrics } = deps;
  return {
    async courierAssignment({ orderId, round }, { job, logger }) {
      const target = await events.courierTarget(orderId);
      if (!target) {
        metrics.recordAttempt('abandoned');
        return;
      }
      const result = await couriers.assign(orderId, target.siteLocation);
      if (result.kind === 'closed') {
        metrics.recordAttempt('closed');
        return;
      }
      if (result.kind === 'none') {
        metrics.recordAttempt('none');
        const attempts = job.attemptsMade + 1;
        const final = attempts >= (job.opts.attempts ?? 1);
        if (attempts === 1 || final) {
          await events.onCourierUnavailable(orderId, {
            attempts,
            waitedSeconds: result.waitedMs / 1000,
            final,
          });
        }
        if (final) {
          // The order still wants a courier: search on in a new round, more slowly, until one
          // comes or the order is cancelled; an order must never wait on nothing.
          logger.warn('no courier for a long time; searching on in a new round', { orderId, round });
          await jobs.requestCourier(orderId, target.priority, round + 1, NEXT_ROUND_DELAY_MS);
          return;
        }
        throw new NoCourierYetError(orderId, result.waitedMs);
      }
      metrics.recordAttempt('assigned');
      if (result.fresh) metrics.recordWait(result.waitedMs / 1000);
      // The deadline first: once the lifecycle has recorded the courier, a rerun of this job
      // (after a crash) finds no target and stops, so nothing would arm it later. A deadline
      // for a courier the order then refuses finds it released and does nothing.
      await jobs.schedulePickupTimeout(orderId, result.courierId, target.priority, result.pickupDueAt);
      if (!(await events.onCourierAssigned(orderId, result.courierId, result.distanceMeters))) {
        // Cancelled or handed over while we searched: the courier goes back at once.
        logger.info('order no longer wants its courier; releasing', { orderId, courierId: result.courierId });
        await couriers.release(orderId);
      }
    },

    async courierPickupTimeout({ orderId, courierId }, context) {
      const result = await couriers.checkPickupTimeout(orderId, courierId);
      if (result.kind === 'not_due') return delayUntil(context, result.dueAt);
      if (result.kind !== 'timed_out') return;
      context.logger.info('courier did not pick up in time; replacing', { orderId, courierId });
      await events.onCourierTimedOut(orderId, courierId);
      const target = await events.courierTarget(orderId);
      if (target) await jobs.requestCourier(orderId, target.priority, result.round);
    },

    async lockerHoldExpiry({ orderId }, context) {
      const result = await lockers.expire(orderId);
      if (result.kind === 'not_due') return delayUntil(context, result.expiresAt);
      if (result.kind === 'not_deposited') {
        context.logger.warn('locker hold expiry for a parcel never deposited; ignored', { orderId });
        return;
      }
      // Also when nothing was held any more: a run that freed the compartment may have died
      // before telling the lifecycle, which ignores orders already collected or expired.
      await events.expireLockerOrder(orderId);
    },
  };
}

/**
 * The timer fired before the clock says it is due (BullMQ's delay runs on Redis's time,
 * decisions on the service's clock): put the job back until then, without using an attempt.
 */
async function delayUntil({ job, logger }: JobContext, at: Date): Promise<never> {
  logger.debug('not due yet; delayed again', { until: at.toISOString() });
  await job.moveToDelayed(at.getTime(), job.token);
  throw new DelayedError();
}
