import type { WorkerConfig } from '@quarterhour/config';
import { createDb } from '@quarterhour/db';
import { createLogger, type Logger, startHealthServer, startTelemetry } from '@quarterhour/telemetry';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './connection.ts';
import type { QueueWorker } from './worker.ts';

/** What a service needs to build its workers. */
export interface WorkerHostContext {
  connection: Redis;
  redisPrefix: string;
  concurrency: number;
  /** WORKER_LOCK_MS: lock of a running job and interval of the stalled-job check. */
  lockMs?: number;
  logger: Logger;
}

export interface WorkerHostOptions {
  /** Short name: `dispatcher`, `fulfilment`. Used for logs, the default OTEL service name, client names. */
  service: string;
  config: WorkerConfig;
  /** Builds the service's workers on the shared connection; they start taking jobs at once. */
  workers: (context: WorkerHostContext) => QueueWorker[];
}

export interface WorkerHost {
  /** The health server's port (HEALTH_PORT, or the free port picked for 0). */
  readonly port: number;
  /**
   * Graceful stop: /readyz turns 503, workers take no new job, running jobs get up to
   * SHUTDOWN_TIMEOUT_MS to finish, then the health server, Redis and PostgreSQL close.
   * Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * The shell shared by the worker services (dispatcher, fulfilment): telemetry, Redis,
 * a small PostgreSQL pool for readiness (and for handlers later), the workers, and the
 * health server with /healthz, /readyz and /metrics. Services only say which workers.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  const { config, service } = options;
  const telemetry = startTelemetry({
    ...config.telemetry,
    serviceName: config.telemetry.serviceName ?? `quarterhour-${service}`,
  });
  const logger = createLogger({ service, level: config.log.level });
  const connection = createRedisConnection(config.redisUrl, { role: 'worker', name: service });
  // A separate fail-fast connection: a PING queued behind a worker connection's retries would hang.
  const probe = createRedisConnection(config.redisUrl, { role: 'client', name: `${service}-health` });
  for (const redis of [connection, probe]) {
    redis.on('error', (error) => logger.warn('redis connection error', { error }));
  }
  const sql = createDb(config.databaseUrl, { max: 2, applicationName: `quarterhour-${service}` });

  const workers = options.workers({
    connection,
    redisPrefix: config.redisPrefix,
    concurrency: config.workerConcurrency,
    lockMs: config.workerLockMs,
    logger,
  });

  const closeConnections = async () => {
    await Promise.allSettled([connection.quit(), probe.quit(), sql.end({ timeout: 5 })]);
    await telemetry.shutdown();
  };

  let health: Awaited<ReturnType<typeof startHealthServer>>;
  try {
    health = await startHealthServer({
      host: config.http.host,
      port: config.http.port,
      metricsHandler: telemetry.metricsHandler,
      logger,
      checks: {
        postgres: () => sql`select 1`,
        redis: () => probe.ping(),
      },
    });
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.close(0)));
    await closeConnections();
    throw error;
  }

  const queues = workers.map((worker) => worker.queue);
  logger.info('started', { port: health.port, queues, concurrency: config.workerConcurrency });

  let closing: Promise<void> | undefined;
  const close = async () => {
    const timeoutMs = config.shutdownTimeoutMs;
    logger.info('stopping: taking no new jobs, waiting for running ones', { queues, timeoutMs });
    health.markDraining();
    const results = await Promise.all(workers.map((worker) => worker.close(timeoutMs)));
    const undrained = queues.filter((_, index) => !results[index]?.drained);
    if (undrained.length > 0) {
      logger.warn('jobs left unfinished; stalled-job recovery will run them again', { queues: undrained });
    } else {
      logger.info('all running jobs finished');
    }
    await health.close();
    await closeConnections();
    logger.info('stopped');
  };

  return {
    port: health.port,
    close() {
      closing ??= close();
      return closing;
    },
  };
}
