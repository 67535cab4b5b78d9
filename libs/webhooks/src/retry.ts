import type { JobsOptions } from 'bullmq';

/** WEBHOOK_ATTEMPTS and WEBHOOK_BACKOFF_MS: every producer of delivery jobs applies them. */
export interface WebhookRetryPolicy {
  /** Delivery attempts of one message before it is dead-lettered. */
  attempts: number;
  /** Delay before the first retry; it doubles with each attempt. */
  backoffMs: number;
}

/** Job options of a delivery job; jitter keeps jobs that failed together (a receiver down) apart. */
export function deliveryJobOptions(policy: WebhookRetryPolicy): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
  };
}

/**
 * The longest a delivery job can legitimately wait between two attempts. A pair whose
 * head message was last tried longer ago than this (plus slack) has lost its job.
 */
export function longestBackoffMs(policy: WebhookRetryPolicy): number {
  return policy.backoffMs * 2 ** Math.max(0, policy.attempts - 2);
}
