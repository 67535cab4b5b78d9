import { type Job, type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type JobData, type JobName, type JobsOf, jobCatalog } from './jobs.ts';
import { bullPrefix, bullQueueName, type QueueName } from './names.ts';
import { describeIssues, InvalidJobError } from './parse.ts';

export interface QueueTarget {
  /** A `client` connection for producers (fails fast), a `worker` one inside workers. */
  connection: Redis;
  redisPrefix: string;
}

/** A BullMQ queue that accepts only the catalog's jobs for it, with their default options. */
export interface TypedQueue<Q extends QueueName> {
  readonly name: Q;
  /** The underlying BullMQ queue, for counts, admin and tests. */
  readonly queue: Queue;
  add<N extends JobsOf<Q>>(name: N, data: JobData<N>, options?: JobsOptions): Promise<Job>;
  close(): Promise<void>;
}

export function createQueue<Q extends QueueName>(name: Q, target: QueueTarget): TypedQueue<Q> {
  const queue = new Queue(bullQueueName(name), {
    connection: target.connection,
    prefix: bullPrefix(target.redisPrefix),
  });
  return {
    name,
    queue,
    async add(jobName, data, options) {
      const definition = jobCatalog[jobName as JobName];
      // Validated here too: a producer bug should fail in the request that made it, not later in a worker.
      const parsed = definition.schema.safeParse(data);
      if (!parsed.success)
        throw new InvalidJobError(`cannot add ${jobName}: ${describeIssues(parsed.error)}`);
      const jobId = definition.jobId?.(parsed.data as never);
      return queue.add(jobName, parsed.data, { ...definition.defaults, jobId, ...options });
    },
    close: () => queue.close(),
  };
}
