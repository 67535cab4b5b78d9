import { randomBytes } from 'node:crypto';
import { intakeEnv, loadConfig } from '@quarterhour/config';
import type { Clock } from '@quarterhour/domain';
import type { StatusChangeListener } from '@quarterhour/lifecycle';
import { createLogger, startTelemetry, type Telemetry } from '@quarterhour/telemetry';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import { type IntakeHandle, startIntake } from './server.ts';

export interface TestIntake {
  url: string;
  opsKey: string;
  db: TestDatabase;
  redis: TestRedis;
  intake: IntakeHandle;
  env: Record<string, string>;
  /** Sends a JSON request; `body` may be a string to send raw bytes. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Stops the intake and starts a new one on the same database and Redis prefix. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  body: any;
}

/** A real intake on a database and Redis prefix of its own, listening on a free port. */
export async function startTestIntake(
  overrides: Record<string, string> = {},
  options: {
    ownRedisDatabase?: boolean;
    metrics?: boolean;
    clock?: Clock;
    listeners?: StatusChangeListener[];
  } = {},
): Promise<TestIntake> {
  const db = await createTestDatabase();
  const redis = await createTestRedis({ ownDatabase: options.ownRedisDatabase });
  const opsKey = `ops_${randomBytes(16).toString('hex')}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    OPS_API_KEY: opsKey,
    PORT: '0',
    LOG_LEVEL: 'silent',
    MIGRATE_ON_START: 'false',
    ...overrides,
  };
  const log = createLogger({
    service: 'intake-test',
    level: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent',
  });
  // The SDK must start before the intake makes its instruments, as main.ts does.
  const telemetry: Telemetry | undefined = options.metrics
    ? startTelemetry({ serviceName: 'intake-test', disabled: false, sampleRatio: 1 })
    : undefined;
  const start = () =>
    startIntake(loadConfig(intakeEnv, env), {
      log,
      metricsHandler: telemetry?.metricsHandler,
      clock: options.clock,
      listeners: options.listeners,
    });
  let intake = await start();

  const harness: TestIntake = {
    get url() {
      return intake.url;
    },
    get intake() {
      return intake;
    },
    opsKey,
    db,
    redis,
    env,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? opsKey : options.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      const response = await fetch(`${intake.url}${path}`, { method, headers, body });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    async restart() {
      await intake.close();
      intake = await start();
    },
    async close() {
      await intake.close();
      await telemetry?.shutdown();
      await redis.cleanup();
      await db.drop();
    },
  };
  return harness;
}

/** A valid store body; override what a test cares about. */
export function storeBody(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Store ${id}`,
    kind: 'store',
    formats: ['convenience'],
    location: { lat: 31.2304, lng: 121.4737 },
    ...overrides,
  };
}
