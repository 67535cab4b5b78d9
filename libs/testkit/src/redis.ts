import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testUrls } from './urls.ts';

export interface TestRedis {
  url: string;
  /** A key prefix no other test file uses; pass it as the service's REDIS_PREFIX. */
  prefix: string;
  redis: Redis;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const url = testUrls().redisUrl;
  const prefix = `qht${randomBytes(5).toString('hex')}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    url,
    prefix,
    redis,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
