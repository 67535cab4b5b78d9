import { redisKeys } from '@quarterhour/routing';
import { Redis } from 'ioredis';

const POLL_MS = 250;
const UNLINK_BATCH = 1_000;

export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
}

/**
 * Makes the intake rebuild its hot stock from PostgreSQL (its periodic check finds the
 * marker gone, as after a Redis flush) and waits until the marker is back.
 */
export async function rebuildHotStock(redis: Redis, prefix: string, timeoutMs: number): Promise<void> {
  const keys = redisKeys(prefix);
  await redis.del(keys.hotReady);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redis.exists(keys.hotReady)) && !(await redis.exists(keys.hotRebuildLock))) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`the intake did not rebuild its hot stock within ${timeoutMs / 1000} s`);
}

/** Every key under the bench's own prefix, and nothing else. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', UNLINK_BATCH);
    cursor = next;
    if (found.length) deleted += await redis.unlink(...found);
  } while (cursor !== '0');
  return deleted;
}

/** Redis's own CPU seconds (user + system): the whole server, other clients included. */
export async function redisCpuSeconds(redis: Redis): Promise<number | null> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(info.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1]);
  const seconds = field('used_cpu_user') + field('used_cpu_sys');
  return Number.isFinite(seconds) ? seconds : null;
}
