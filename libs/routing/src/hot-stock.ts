import { type StockLevel, stockLevel } from '@quarterhour/domain';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

/**
 * The hot copy of stock that routing reserves from. PostgreSQL holds the durable
 * on-hand; writers update Redis while they hold the PostgreSQL row locks, so the last
 * committed value is also the last one written here.
 */
export class HotStock {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async writeOnHand(siteId: string, levels: { sku: string; onHand: number }[]): Promise<void> {
    if (levels.length === 0) return;
    const fields: (string | number)[] = [];
    for (const level of levels) fields.push(level.sku, level.onHand);
    await this.redis.hset(this.keys.onHand(siteId), ...fields);
  }

  /**
   * Levels of the SKUs asked for (zero when the site does not stock one), else all, by
   * SKU; `null` when the hot state is missing (Redis flushed or restarted), checked in the
   * same round trip so a read never mistakes a lost copy for empty shelves.
   */
  async read(siteId: string, skus?: string[]): Promise<StockLevel[] | null> {
    const onHandKey = this.keys.onHand(siteId);
    const reservedKey = this.keys.reserved(siteId);
    if (skus) {
      const replies = await this.redis
        .multi()
        .exists(this.keys.hotReady)
        .hmget(onHandKey, ...skus)
        .hmget(reservedKey, ...skus)
        .exec();
      const [ready, onHand, reserved] = results<[number, (string | null)[], (string | null)[]]>(replies);
      if (!ready) return null;
      return skus.map((sku, i) => stockLevel(sku, Number(onHand[i] ?? 0), Number(reserved[i] ?? 0)));
    }
    const replies = await this.redis
      .multi()
      .exists(this.keys.hotReady)
      .hgetall(onHandKey)
      .hgetall(reservedKey)
      .exec();
    const [ready, onHand, reserved] =
      results<[number, Record<string, string>, Record<string, string>]>(replies);
    if (!ready) return null;
    const all = new Set([...Object.keys(onHand), ...Object.keys(reserved)]);
    return [...all]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((sku) => stockLevel(sku, Number(onHand[sku] ?? 0), Number(reserved[sku] ?? 0)));
  }
}

/** The replies of a MULTI, or the first error among them. */
function results<T extends unknown[]>(replies: [Error | null, unknown][] | null): T {
  if (!replies) throw new Error('Redis discarded the transaction');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as T;
}
