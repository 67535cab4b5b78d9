export { createRedisConnection, type RedisConnectionOptions, type RedisRole } from './connection.ts';
export { startWorkerHost, type WorkerHost, type WorkerHostContext, type WorkerHostOptions } from './host.ts';
export { isJobName, type JobData, type JobName, type JobsOf, jobCatalog, jobNames } from './jobs.ts';
export { DEPTH_STATES } from './metrics.ts';
export { bullPrefix, bullQueueName, QUEUES, type QueueName, queueNames } from './names.ts';
export { InvalidJobError, type ParsedJob, parseJob } from './parse.ts';
export { jobPriority } from './priority.ts';
export { createQueue, type QueueTarget, type TypedQueue } from './producer.ts';
export { RetryLater } from './retry-later.ts';
export {
  createQueueWorker,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  type QueueWorker,
  type QueueWorkerOptions,
} from './worker.ts';
