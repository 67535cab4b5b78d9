import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testUrls } from './urls.ts';

export interface TestRedis {
  url: string;
  /** A key prefix no other test file uses; pass it as the service's REDIS_PREFIX. */
  prefix: string;
  redis: Redis;
  /** The database number this file holds alone, when it asked for one. */
  database?: number;
  /** Deletes every key this file made and closes the connection. */
  cleanup(): Promise<void>;
}

const LEASE_SECONDS = 900;

/**
 * Isolation by key prefix (the default), or by a whole database number leased for this
 * file (`ownDatabase`), for tests that must run FLUSHDB. Leases are keys in database 0,
 * so files running at once never share a number.
 */
export async function createTestRedis(options: { ownDatabase?: boolean } = {}): Promise<TestRedis> {
  const base = testUrls().redisUrl;
  const prefix = `qht${randomBytes(5).toString('hex')}`;
  let url = base;
  let database: number | undefined;
  let releaseLease = async () => {};
  if (options.ownDatabase) {
    ({ url, database, releaseLease } = await leaseDatabase(base, prefix));
  }
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    url,
    prefix,
    redis,
    database,
    async cleanup() {
      if (database !== undefined) await redis.flushdb();
      else await deleteByPrefix(redis, prefix);
      redis.disconnect();
      await releaseLease();
    },
  };
}

async function leaseDatabase(baseUrl: string, owner: string) {
  const control = new Redis(baseUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await control.connect();
  const reply = (await control.config('GET', 'databases')) as string[];
  const databases = Number(reply[1] ?? 16);
  for (let attempt = 0; attempt < 100; attempt++) {
    for (let n = 1; n < databases; n++) {
      const lease = `qh-test-lease:db:${n}`;
      if (await control.set(lease, owner, 'EX', LEASE_SECONDS, 'NX')) {
        const url = new URL(baseUrl);
        url.pathname = `/${n}`;
        return {
          url: url.toString(),
          database: n,
          releaseLease: async () => {
            if ((await control.get(lease)) === owner) await control.del(lease);
            control.disconnect();
          },
        };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  control.disconnect();
  throw new Error('no free Redis database number for this test file');
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
