import type { Sql } from '@quarterhour/db';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import type { ReservationTarget, Reserver } from './reserver.ts';
import type { OrderLine } from './types.ts';

const SWEEP_BATCH = 500;

export interface SweepResult {
  /** Pending entries whose order had been committed: confirmed, nothing released. */
  confirmed: number;
  /** Reservations with no committed order: released. */
  released: number;
}

/**
 * Releases reservations whose order never reached PostgreSQL (the process died, or the
 * commit failed and the immediate release failed too). An entry becomes due when its
 * expiry passes; the order table, not Redis, says whether the order exists.
 */
export async function sweepPendingReservations(
  sql: Sql,
  redis: Redis,
  keys: RedisKeys,
  reserver: Reserver,
  now: number = Date.now(),
): Promise<SweepResult> {
  const due = await redis.zrangebyscore(keys.pending, '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
  if (due.length === 0) return { confirmed: 0, released: 0 };
  const committed = new Set(
    (await sql<{ id: string }[]>`select id from orders where id = any(${due})`).map((row) => row.id),
  );
  await reserver.confirm(due.filter((id) => committed.has(id)));
  const strays = due.filter((id) => !committed.has(id));
  const records = strays.length ? await redis.hmget(keys.pendingSites, ...strays) : [];
  let released = 0;
  for (const [i, orderId] of strays.entries()) {
    const record = records[i];
    if (!record) {
      // Details lost (cannot happen unless someone edited Redis): drop the entry.
      await redis.zrem(keys.pending, orderId);
      continue;
    }
    const newline = record.indexOf('\n');
    const siteId = record.slice(0, newline);
    const details = JSON.parse(record.slice(newline + 1)) as {
      platformKeyId: string;
      externalId: string;
      lines: OrderLine[];
    };
    const target: ReservationTarget = { orderId, ...details };
    if (await reserver.releasePending(target, siteId)) released += 1;
  }
  return { confirmed: committed.size, released };
}

/** Runs the sweeper in one process at a time, on a timer, until stopped. */
export function startSweeper(
  sql: Sql,
  redis: Redis,
  keys: RedisKeys,
  reserver: Reserver,
  options: { everyMs: number; onSweep?: (result: SweepResult) => void; onError?: (error: Error) => void },
): () => void {
  const timer = setInterval(async () => {
    try {
      const locked = await redis.set(keys.sweeperLock, String(process.pid), 'PX', options.everyMs, 'NX');
      if (!locked) return;
      const result = await sweepPendingReservations(sql, redis, keys, reserver);
      if (result.confirmed || result.released) options.onSweep?.(result);
    } catch (error) {
      options.onError?.(error as Error);
    }
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
