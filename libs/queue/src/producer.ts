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
  /** Many jobs in one round trip (BullMQ's addBulk); all are validated before any is sent. */
  addMany<N extends JobsOf<Q>>(
    jobs: readonly { name: N; data: JobData<N>; options?: JobsOptions }[],
  ): Promise<Job[]>;
  close(): Promise<void>;
}

export function createQueue<Q extends QueueName>(name: Q, target: QueueTarget): TypedQueue<Q> {
  const queue = new Queue(bullQueueName(name), {
    connection: target.connection,
    prefix: bullPrefix(target.redisPrefix),
  });
  // Validated here too: a producer bug should fail in the request that made it, not later in a worker.
  const prepare = (jobName: string, data: unknown, options: JobsOptions | undefined) => {
    const definition = jobCatalog[jobName as JobName];
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidJobError(`cannot add ${jobName}: ${describeIssues(parsed.error)}`);
    const jobId = definition.jobId?.(parsed.data as never);
    return { name: jobName, data: parsed.data, opts: { ...definition.defaults, jobId, ...options } };
  };
  return {
    name,
    queue,
    async add(jobName, data, options) {
      const job = prepare(jobName, data, options);
      return queue.add(job.name, job.data, job.opts);
    },
    async addMany(jobs) {
      if (jobs.length === 0) return [];
      return queue.addBulk(jobs.map((job) => prepare(job.name, job.data, job.options)));
    },
    close: () => queue.close(),
  };
}
