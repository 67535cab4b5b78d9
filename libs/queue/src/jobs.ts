import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { QueueName } from './names.ts';

/** Ids chosen by clients (sites, lockers), as API.md defines them. */
const clientId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must match ^[A-Za-z0-9._-]{1,64}$');
/** Ids made by the service (orders, messages) are opaque, but BullMQ job ids may not hold ':'. */
const serviceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^:]+$/, 'must not contain ":"');

interface JobDefinition {
  queue: QueueName;
  schema: z.ZodType;
  /**
   * Retry and back-off for this kind of job; a producer may override per job. Back-off is
   * exponential with jitter, so jobs that failed together (a receiver down) do not retry in step.
   */
  defaults: JobsOptions;
  /** A deterministic job id, so the same job added twice exists once. */
  jobId?: (data: never) => string;
}

/**
 * Every kind of job: which queue it goes to, the zod schema of its payload (parsed again
 * when a worker takes it, see parse.ts), and its retry policy. Later issues add entries
 * here; nothing outside this file names a job.
 */
export const jobCatalog = {
  /**
   * The site an order was assigned to has not accepted within the acceptance timeout.
   * Scheduled as a delayed job when the order is assigned; `attempt` counts assignments
   * of this order, so a stale timer (the order has moved on) is recognised and ignored.
   */
  acceptanceTimeout: {
    queue: 'acceptance',
    schema: z.object({ orderId: serviceId, siteId: clientId, attempt: z.number().int().min(1) }),
    defaults: { attempts: 5, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } },
    jobId: (data: { orderId: string; attempt: number }) => `acceptance.${data.orderId}.${data.attempt}`,
  },
  /**
   * A delivery order needs a courier (libs/logistics CourierDispatch). While none is free the
   * handler throws and BullMQ tries again: a courier freeing up has nothing to do with how
   * often we asked, so the back-off is fixed (2.5 to 5 s with jitter) rather than
   * exponential, for up to about 10 minutes. `round` counts searches of this order: a
   * courier who timed out at pickup starts round n+1, which the job id must tell apart from
   * the finished round n still kept in Redis.
   */
  courierAssignment: {
    queue: 'fulfilment',
    schema: z.object({ orderId: serviceId, round: z.number().int().min(1) }),
    defaults: { attempts: 160, backoff: { type: 'fixed', delay: 5000, jitter: 0.5 } },
    jobId: (data: { orderId: string; round: number }) => `courier-assign.${data.orderId}.${data.round}`,
  },
  /**
   * Delayed until the pickup deadline of one assignment: if that courier still holds the
   * order and has not picked it up, it is released, never offered this order again, and a
   * new search starts. (order, courier) names one assignment, since a timed-out courier never
   * gets the order back.
   */
  courierPickupTimeout: {
    queue: 'fulfilment',
    schema: z.object({ orderId: serviceId, courierId: clientId }),
    defaults: { attempts: 5, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } },
    jobId: (data: { orderId: string; courierId: string }) =>
      `courier-pickup.${data.orderId}.${data.courierId}`,
  },
  /**
   * Delayed until a deposited parcel's hold time is over: its compartment is freed and the
   * order expires (the site is told to take the parcel back). A parcel is deposited once.
   */
  lockerHoldExpiry: {
    queue: 'fulfilment',
    schema: z.object({ orderId: serviceId, lockerId: clientId }),
    defaults: { attempts: 5, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 } },
    jobId: (data: { orderId: string }) => `locker-expiry.${data.orderId}`,
  },
  /**
   * Deliver the pending webhook messages of one (webhook, order) pair, oldest first
   * (libs/webhooks). One job per pair, so one order's messages never race each other;
   * it stops at the first failure and throws, so the back-off applies to that message
   * and later ones wait behind it. Finished jobs are removed at once: a job kept under
   * the same id would swallow the next add for the pair. Producers pass WEBHOOK_ATTEMPTS
   * and WEBHOOK_BACKOFF_MS over these defaults.
   */
  webhookDelivery: {
    queue: 'webhooks',
    schema: z.object({ webhookId: serviceId, orderId: serviceId }),
    defaults: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: true,
      removeOnFail: true,
    },
    jobId: (data: { webhookId: string; orderId: string }) => `webhook.${data.webhookId}.${data.orderId}`,
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof jobCatalog;

export type JobData<N extends JobName> = z.output<(typeof jobCatalog)[N]['schema']>;

/** The job names that go to queue Q. */
export type JobsOf<Q extends QueueName> = {
  [N in JobName]: (typeof jobCatalog)[N]['queue'] extends Q ? N : never;
}[JobName];

export const jobNames = Object.keys(jobCatalog) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalog, name);
}
