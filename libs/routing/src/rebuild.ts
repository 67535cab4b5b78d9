import type { Sql } from '@quarterhour/db';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

const SITES_PER_TRANSACTION = 200;
const LOCK_TTL_MS = 120_000;

export interface RebuildResult {
  rebuilt: boolean;
  sites: number;
  skus: number;
}

/**
 * Rebuilds the hot state (on-hand, reservations, load) from PostgreSQL when Redis lost
 * it (flushed or restarted). One process rebuilds under a lock; the others wait for the
 * marker. Each batch of sites is read with FOR SHARE so a concurrent stock write either
 * lands before the read (and is read) or waits and writes Redis after the rebuild.
 */
export async function ensureHotState(
  sql: Sql,
  redis: Redis,
  keys: RedisKeys,
  options: { waitMs?: number } = {},
): Promise<RebuildResult> {
  if (await redis.exists(keys.hotReady)) return { rebuilt: false, sites: 0, skus: 0 };
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const locked = await redis.set(keys.hotRebuildLock, token, 'PX', LOCK_TTL_MS, 'NX');
  if (!locked) {
    const deadline = Date.now() + (options.waitMs ?? LOCK_TTL_MS);
    while (Date.now() < deadline) {
      if (await redis.exists(keys.hotReady)) return { rebuilt: false, sites: 0, skus: 0 };
      if (!(await redis.exists(keys.hotRebuildLock))) return ensureHotState(sql, redis, keys, options);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('timed out waiting for another process to rebuild the hot state');
  }
  try {
    return { rebuilt: true, ...(await rebuildAll(sql, redis, keys)) };
  } finally {
    // Release only our own lock.
    if ((await redis.get(keys.hotRebuildLock)) === token) await redis.del(keys.hotRebuildLock);
  }
}

async function rebuildAll(sql: Sql, redis: Redis, keys: RedisKeys): Promise<{ sites: number; skus: number }> {
  const siteIds = (await sql<{ id: string }[]>`select id from sites order by id`).map((row) => row.id);
  let skus = 0;
  for (let start = 0; start < siteIds.length; start += SITES_PER_TRANSACTION) {
    const batch = siteIds.slice(start, start + SITES_PER_TRANSACTION);
    skus += await sql.begin(async (tx) => {
      const stock = await tx<{ site_id: string; sku: string; on_hand: number }[]>`
        select site_id, sku, on_hand from stock where site_id = any(${batch}) for share`;
      const held = await tx<{ site_id: string; sku: string; quantity: number }[]>`
        select o.site_id, line.sku, sum(line.quantity)::int as quantity
        from orders o, jsonb_to_recordset(o.items) as line(sku text, quantity int)
        where o.stock_held and o.site_id = any(${batch})
        group by o.site_id, line.sku`;
      const load = await tx<{ site_id: string; active: number }[]>`
        select site_id, count(*)::int as active from orders
        where site_id = any(${batch}) and load_held
        group by site_id`;
      const pipeline = redis.multi();
      for (const siteId of batch) {
        pipeline.del(keys.onHand(siteId), keys.reserved(siteId), keys.load(siteId));
      }
      // One HSET per site with all its fields: a row at a time costs a command per SKU.
      for (const [siteId, fields] of bySite(stock, (row) => [row.sku, row.on_hand])) {
        pipeline.hset(keys.onHand(siteId), ...fields);
      }
      for (const [siteId, fields] of bySite(held, (row) => [row.sku, row.quantity])) {
        pipeline.hset(keys.reserved(siteId), ...fields);
      }
      for (const row of load) pipeline.set(keys.load(row.site_id), row.active);
      await pipeline.exec();
      return stock.length;
    });
  }
  await redis.set(keys.hotReady, new Date().toISOString());
  return { sites: siteIds.length, skus };
}

function bySite<R extends { site_id: string }>(
  rows: readonly R[],
  field: (row: R) => [string, number],
): Map<string, (string | number)[]> {
  const sites = new Map<string, (string | number)[]>();
  for (const row of rows) {
    let fields = sites.get(row.site_id);
    if (!fields) {
      fields = [];
      sites.set(row.site_id, fields);
    }
    fields.push(...field(row));
  }
  return sites;
}
