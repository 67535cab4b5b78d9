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
   * Provisional shape, owned by the lockers issue: a deposited parcel was not collected
   * within the locker's hold time.
   */
  lockerHoldExpiry: {
    queue: 'fulfilment',
    schema: z.object({ orderId: serviceId, lockerId: clientId }),
    defaults: { attempts: 5, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 } },
    jobId: (data: { orderId: string }) => `locker-expiry.${data.orderId}`,
  },
  /**
   * Provisional shape, owned by the webhooks issue: deliver one message (one status change
   * of an order) to one webhook. `messageId` is the `webhook-id` header, the same on every retry.
   */
  webhookDelivery: {
    queue: 'webhooks',
    schema: z.object({ messageId: serviceId, webhookId: serviceId, orderId: serviceId }),
    defaults: { attempts: 10, backoff: { type: 'exponential', delay: 5000, jitter: 0.5 } },
    jobId: (data: { messageId: string; webhookId: string }) => `webhook.${data.webhookId}.${data.messageId}`,
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
