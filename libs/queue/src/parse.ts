import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import { isJobName, type JobData, type JobsOf, jobCatalog } from './jobs.ts';
import type { QueueName } from './names.ts';

/** A job as a worker sees it after parsing: the name narrows the data. */
export type ParsedJob<Q extends QueueName> = {
  [N in JobsOf<Q>]: { name: N; data: JobData<N> };
}[JobsOf<Q>];

/**
 * A job whose name or payload does not match the catalog. It extends BullMQ's
 * UnrecoverableError, so the job fails at once instead of being retried: running the
 * same bad payload again cannot succeed, and retries would only hide the bug.
 */
export class InvalidJobError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}

/** Checks that a taken job belongs on this queue and parses its payload with the catalog's schema. */
export function parseJob<Q extends QueueName>(
  queue: Q,
  job: { id?: string | undefined; name: string; data: unknown },
): ParsedJob<Q> {
  const label = `job ${job.id ?? '?'} (${job.name}) on queue ${queue}`;
  if (!isJobName(job.name) || jobCatalog[job.name].queue !== queue) {
    throw new InvalidJobError(`${label}: no such job on this queue`);
  }
  const parsed = jobCatalog[job.name].schema.safeParse(job.data);
  if (!parsed.success)
    throw new InvalidJobError(`${label}: invalid payload: ${describeIssues(parsed.error)}`);
  return { name: job.name, data: parsed.data } as ParsedJob<Q>;
}

/** `siteId: must match …; attempt: Too small …`, one entry per bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`).join('; ');
}
