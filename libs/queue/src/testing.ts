import { loadConfig, type WorkerConfig, workerEnv } from '@quarterhour/config';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@quarterhour/testkit';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './connection.ts';
import type { QueueName } from './names.ts';
import { createQueue, type TypedQueue } from './producer.ts';

/**
 * What a worker service's integration test needs: a database and a Redis prefix of its
 * own, settings pointing at them, and producers to put jobs on its queues. One fixture
 * for every worker service, so their tests differ only in what they test.
 */
export interface WorkerTestEnv {
  db: TestDatabase;
  redis: TestRedis;
  /** A fail-fast client connection, for producers and direct Redis checks. */
  producer: Redis;
  /** Worker settings on this database and prefix; `overrides` are environment variables. */
  config(overrides?: Record<string, string>): WorkerConfig;
  /** A producer for one of the queues, closed by `cleanup`. */
  queue<Q extends QueueName>(name: Q): TypedQueue<Q>;
  cleanup(): Promise<void>;
}

export async function createWorkerTestEnv(): Promise<WorkerTestEnv> {
  const [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  const producer = createRedisConnection(redis.url, { role: 'client' });
  const queues: TypedQueue<QueueName>[] = [];
  return {
    db,
    redis,
    producer,
    config: (overrides = {}) =>
      loadConfig(workerEnv, {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        HEALTH_PORT: '0',
        LOG_LEVEL: 'silent',
        ...overrides,
      }),
    queue(name) {
      const queue = createQueue(name, { connection: producer, redisPrefix: redis.prefix });
      queues.push(queue);
      return queue;
    },
    async cleanup() {
      await Promise.all(queues.map((queue) => queue.close()));
      await producer.quit();
      await redis.cleanup();
      await db.drop();
    },
  };
}
