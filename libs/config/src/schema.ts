import { z } from 'zod';

/** Environment variables arrive as strings; these helpers turn them into real values. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const positive = () => z.coerce.number().positive().finite();
const bool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must be a ${protocols.join(' or ')} URL`,
    });

const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']);

/** Settings every service shares: where state lives, the circle, logs and telemetry. */
const commonEnv = {
  DATABASE_URL: url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/quarterhour'),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379/0'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,40}$/, 'letters, digits, ":", "_" or "-", at most 40')
    .default('qh'),
  WALK_SPEED_M_PER_MIN: positive().default(80),
  DETOUR_FACTOR: z.coerce.number().min(1).max(3).default(1.3),
  LOG_LEVEL: logLevel.default('info'),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  OTEL_SDK_DISABLED: bool().default(false),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000),
  COURIER_SEARCH_RADIUS_M: int(100, 50_000).default(3000),
  COURIER_PICKUP_TIMEOUT_SECONDS: int(30, 86_400).default(600),
};

const commonShape = z.object(commonEnv);

/**
 * Webhook retries: the intake (which enqueues after a status change) and the fulfilment
 * sweep both add delivery jobs, so both read the same policy.
 */
const webhookRetryEnv = {
  WEBHOOK_ATTEMPTS: int(1, 30).default(8),
  WEBHOOK_BACKOFF_MS: int(1, 3_600_000).default(1000),
};

function webhookRetry(env: { WEBHOOK_ATTEMPTS: number; WEBHOOK_BACKOFF_MS: number }) {
  return { attempts: env.WEBHOOK_ATTEMPTS, backoffMs: env.WEBHOOK_BACKOFF_MS };
}

function common(env: z.infer<typeof commonShape>) {
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    circle: { walkSpeedMPerMin: env.WALK_SPEED_M_PER_MIN, detourFactor: env.DETOUR_FACTOR },
    log: { level: env.LOG_LEVEL },
    telemetry: {
      serviceName: env.OTEL_SERVICE_NAME,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
      disabled: env.OTEL_SDK_DISABLED,
      sampleRatio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    couriers: {
      searchRadiusMeters: env.COURIER_SEARCH_RADIUS_M,
      pickupTimeoutMs: env.COURIER_PICKUP_TIMEOUT_SECONDS * 1000,
    },
  };
}

export const intakeEnv = z
  .object({
    ...commonEnv,
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    OPS_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    RATE_LIMIT_PER_SECOND: int(1, 1_000_000).default(2000),
    BULK_BODY_LIMIT_MB: int(1, 256).default(16),
    ALLOW_PRIVATE_WEBHOOKS: bool().default(false),
    MIGRATE_ON_START: bool().default(true),
    ...webhookRetryEnv,
  })
  .transform((env) => ({
    ...common(env),
    http: { port: env.PORT, host: env.HOST, bulkBodyLimitBytes: env.BULK_BODY_LIMIT_MB * 1024 * 1024 },
    opsApiKey: env.OPS_API_KEY,
    rateLimitPerSecond: env.RATE_LIMIT_PER_SECOND,
    allowPrivateWebhooks: env.ALLOW_PRIVATE_WEBHOOKS,
    migrateOnStart: env.MIGRATE_ON_START,
    webhooks: webhookRetry(env),
  }));

/** The dispatcher and fulfilment services: queue workers with a small health server. */
export const workerEnv = z
  .object({
    ...commonEnv,
    HEALTH_PORT: int(0, 65535).default(0),
    HOST: z.string().min(1).default('127.0.0.1'),
    WORKER_CONCURRENCY: int(1, 1000).default(16),
    // BullMQ's lockDuration and stalledInterval: a crashed worker's jobs run again after 1 to 2 times this.
    WORKER_LOCK_MS: int(1000, 600_000).default(30_000),
    ALLOW_PRIVATE_WEBHOOKS: bool().default(false),
    WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(5000),
    WEBHOOK_SWEEP_MS: int(100, 600_000).default(5000),
    ...webhookRetryEnv,
  })
  .transform((env) => ({
    ...common(env),
    http: { port: env.HEALTH_PORT, host: env.HOST },
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerLockMs: env.WORKER_LOCK_MS,
    webhooks: {
      ...webhookRetry(env),
      // Checked again at delivery: DNS may have changed since the URL was registered.
      allowPrivate: env.ALLOW_PRIVATE_WEBHOOKS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      sweepEveryMs: env.WEBHOOK_SWEEP_MS,
    },
  }));

export const migrateEnv = commonShape.transform(common);

export type IntakeConfig = z.output<typeof intakeEnv>;
export type WorkerConfig = z.output<typeof workerEnv>;
export type CommonConfig = ReturnType<typeof common>;
