import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from '@quarterhour/telemetry';
import { tracer } from '@quarterhour/telemetry';
import {
  type Job,
  type KeepJobs,
  type Processor,
  Queue,
  UnrecoverableError,
  WaitingError,
  Worker,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { isJobName, type JobData, type JobName, type JobsOf } from './jobs.ts';
import { DEPTH_STATES, queueInstruments } from './metrics.ts';
import { bullPrefix, bullQueueName, type QueueName } from './names.ts';
import { InvalidJobError, parseJob } from './parse.ts';
import { RetryLater } from './retry-later.ts';

export interface JobContext {
  job: Job;
  /** Aborted when shutdown runs out of time; long handlers should stop and throw. */
  signal: AbortSignal | undefined;
  /** Bound to queue, job name, job id and attempt. */
  logger: Logger;
}

export type JobHandler<N extends JobName> = (data: JobData<N>, context: JobContext) => Promise<void>;

/** One handler per job kind the catalog sends to queue Q; the compiler insists on all of them. */
export type JobHandlers<Q extends QueueName> = { [N in JobsOf<Q>]: JobHandler<N> };

export interface QueueWorkerOptions<Q extends QueueName> {
  queue: Q;
  handlers: JobHandlers<Q>;
  /** A `worker` connection (maxRetriesPerRequest: null); BullMQ duplicates it for blocking reads. */
  connection: Redis;
  redisPrefix: string;
  /** Jobs run at once by this worker (WORKER_CONCURRENCY). */
  concurrency: number;
  /**
   * How long a running job's lock lasts unless renewed (renewed every half of it), and how
   * often the stalled-job check runs: a job of a worker that died runs again after 1 to 2
   * times this. Default 30 s (WORKER_LOCK_MS).
   */
  lockMs?: number;
  logger: Logger;
  /** How many finished jobs Redis keeps for inspection. */
  keep?: { completed?: KeepJobs; failed?: KeepJobs };
}

export interface QueueWorker {
  readonly queue: QueueName;
  readonly worker: Worker;
  /**
   * Stops taking jobs and waits for the running ones, at most `timeoutMs`. Past that the
   * running jobs' signals are aborted and the wait ends; BullMQ's stalled-job check hands
   * any job still unfinished to another worker once its lock expires.
   */
  close(timeoutMs: number): Promise<{ drained: boolean }>;
}

/** Completed jobs matter for an hour of debugging; failed ones for a week of it. */
const DEFAULT_KEEP = {
  completed: { age: 3600, count: 1000 },
  failed: { age: 7 * 24 * 3600, count: 10_000 },
} satisfies { completed: KeepJobs; failed: KeepJobs };
/** BullMQ's own default lock and stalled-check interval. */
const DEFAULT_LOCK_MS = 30_000;
/** After aborting the signals, how long to wait for handlers to notice. */
const ABORT_GRACE_MS = 1000;
const DEPTH_TIMEOUT_MS = 1000;

/**
 * A BullMQ worker for one queue of the catalog: parses each job against the catalog
 * (a bad payload fails at once, unretried), runs its handler in a consumer span, and
 * records wait time, duration, failures and, at each scrape, the queue's depth.
 */
export function createQueueWorker<Q extends QueueName>(options: QueueWorkerOptions<Q>): QueueWorker {
  const { queue, logger } = options;
  const instruments = queueInstruments();
  let closing = false;

  const processor: Processor = async (job, token, signal) => {
    // BullMQ can still hand over a job it fetched just as close() began; put it back
    // untouched so that no handler starts once shutdown has.
    if (closing) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const labels = { queue, job: isJobName(job.name) ? job.name : 'unknown' };
    recordWait(job, labels);
    const started = performance.now();
    const jobLogger = logger.child({ queue, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    return tracer().startActiveSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': job.id ?? '',
          'quarterhour.job.name': labels.job,
        },
      },
      async (span) => {
        let outcome = 'completed';
        try {
          const parsed = parseJob(queue, job);
          const handler = options.handlers[parsed.name as JobsOf<Q>] as (
            data: unknown,
            context: JobContext,
          ) => Promise<void>;
          await handler(parsed.data, { job, signal, logger: jobLogger });
          jobLogger.debug('job done');
        } catch (error) {
          outcome = 'failed';
          const reason = failureReason(error);
          instruments.failures.add(1, { ...labels, reason });
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          const willRetry =
            (reason === 'error' || reason === 'waiting') && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
          if (reason === 'waiting' && willRetry)
            jobLogger.debug('job waits', { reason: (error as Error).message });
          else jobLogger[willRetry ? 'warn' : 'error']('job failed', { error, reason, willRetry });
          throw error;
        } finally {
          instruments.duration.record((performance.now() - started) / 1000, { ...labels, outcome });
          span.end();
        }
      },
    );
  };

  const worker = new Worker(bullQueueName(queue), processor, {
    connection: options.connection,
    prefix: bullPrefix(options.redisPrefix),
    concurrency: options.concurrency,
    lockDuration: options.lockMs ?? DEFAULT_LOCK_MS,
    stalledInterval: options.lockMs ?? DEFAULT_LOCK_MS,
    removeOnComplete: options.keep?.completed ?? DEFAULT_KEEP.completed,
    removeOnFail: options.keep?.failed ?? DEFAULT_KEEP.failed,
  });
  // An 'error' event without a listener would crash the process; Redis blips are expected.
  worker.on('error', (error) => logger.warn('worker error', { queue, error }));
  worker.on('stalled', (jobId) => logger.warn('job stalled; it will run again', { queue, jobId }));

  // Depth comes from Redis, so every worker of a queue reports the same numbers: aggregate with max.
  const counts = new Queue(bullQueueName(queue), {
    connection: options.connection,
    prefix: bullPrefix(options.redisPrefix),
  });
  const observeDepth = async (result: {
    observe(value: number, attributes: Record<string, string>): void;
  }) => {
    try {
      // Bounded: the worker connection retries forever, and a hung callback would hang the scrape.
      const byState = await withTimeout(counts.getJobCounts(...DEPTH_STATES), DEPTH_TIMEOUT_MS);
      for (const state of DEPTH_STATES) result.observe(byState[state] ?? 0, { queue, state });
    } catch (error) {
      logger.debug('queue depth unavailable', { queue, error });
    }
  };
  instruments.depth.addCallback(observeDepth);

  return {
    queue,
    worker,
    async close(timeoutMs) {
      closing = true;
      instruments.depth.removeCallback(observeDepth);
      const closed = worker.close();
      let drained = await settlesWithin(closed, timeoutMs);
      if (!drained) {
        logger.warn('jobs still running at shutdown timeout; aborting them', { queue, timeoutMs });
        worker.cancelAllJobs('shutdown timeout');
        drained = await settlesWithin(closed, ABORT_GRACE_MS);
      }
      await counts.close();
      return { drained };
    },
  };
}

function recordWait(job: Job, labels: { queue: string; job: string }): void {
  // A retry's wait would include its back-off, which is not queueing delay.
  if (job.attemptsMade > 0 || !job.processedOn) return;
  const readyAt = job.timestamp + (job.delay ?? 0);
  queueInstruments().wait.record(Math.max(0, job.processedOn - readyAt) / 1000, labels);
}

function failureReason(error: unknown): 'invalid' | 'unrecoverable' | 'waiting' | 'error' {
  if (error instanceof InvalidJobError) return 'invalid';
  if (error instanceof RetryLater) return 'waiting';
  if (error instanceof UnrecoverableError) return 'unrecoverable';
  return 'error';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
