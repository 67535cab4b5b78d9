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

  /** Levels of the SKUs asked for (zero when the site does not stock one), else all, by SKU. */
  async read(siteId: string, skus?: string[]): Promise<StockLevel[]> {
    const onHandKey = this.keys.onHand(siteId);
    const reservedKey = this.keys.reserved(siteId);
    if (skus) {
      const [onHand, reserved] = await Promise.all([
        this.redis.hmget(onHandKey, ...skus),
        this.redis.hmget(reservedKey, ...skus),
      ]);
      return skus.map((sku, i) => stockLevel(sku, Number(onHand[i] ?? 0), Number(reserved[i] ?? 0)));
    }
    const [onHand, reserved] = await Promise.all([
      this.redis.hgetall(onHandKey),
      this.redis.hgetall(reservedKey),
    ]);
    const all = new Set([...Object.keys(onHand), ...Object.keys(reserved)]);
    return [...all]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((sku) => stockLevel(sku, Number(onHand[sku] ?? 0), Number(reserved[sku] ?? 0)));
  }
}
