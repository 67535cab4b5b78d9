import { Redis } from 'ioredis';

/**
 * `worker`: BullMQ workers block on Redis and must wait through reconnects, so commands
 * never give up (`maxRetriesPerRequest: null`, as BullMQ requires).
 * `client`: producers and health checks, which should fail fast when Redis is down so the
 * caller can answer 503 instead of hanging.
 */
export type RedisRole = 'worker' | 'client';

export interface RedisConnectionOptions {
  role: RedisRole;
  /** Shown by CLIENT LIST, e.g. `dispatcher`. */
  name?: string;
}

export function createRedisConnection(url: string, options: RedisConnectionOptions): Redis {
  const common = { connectionName: options.name ? `qh-${options.name}-${options.role}` : undefined };
  if (options.role === 'worker') return new Redis(url, { ...common, maxRetriesPerRequest: null });
  return new Redis(url, { ...common, maxRetriesPerRequest: 1, connectTimeout: 2000 });
}
