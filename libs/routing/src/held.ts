import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import { LuaScript } from './lua-script.ts';
import type { Candidate, OrderLine } from './types.ts';

export type MoveOutcome =
  | { kind: 'moved'; candidate: Candidate }
  | { kind: 'unroutable'; reason: 'no_open_site' | 'out_of_stock' }
  | { kind: 'hot_state_missing' };

/**
 * What committed orders hold at their site, changed as they move through their life:
 * released (cancel, decline, expiry), committed at handover, or moved to another site.
 */
export class HeldStock {
  private readonly releaseScript = new LuaScript('releaseHeld');
  private readonly commitScript = new LuaScript('commitHeld');
  private readonly moveScript = new LuaScript('moveReservation');

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async release(siteId: string, lines: readonly OrderLine[], releaseLoad: boolean): Promise<void> {
    await this.releaseScript.run(
      this.redis,
      [this.keys.load(siteId), this.keys.reserved(siteId)],
      [releaseLoad ? 1 : 0, ...lineArgs(lines)],
    );
  }

  async commit(siteId: string, lines: readonly OrderLine[], releaseLoad: boolean): Promise<void> {
    await this.commitScript.run(
      this.redis,
      [this.keys.load(siteId), this.keys.reserved(siteId), this.keys.onHand(siteId)],
      [releaseLoad ? 1 : 0, ...lineArgs(lines)],
    );
  }

  async move(
    fromSiteId: string,
    lines: readonly OrderLine[],
    ranked: readonly Candidate[],
  ): Promise<MoveOutcome> {
    const keys = [this.keys.load(fromSiteId), this.keys.reserved(fromSiteId), this.keys.hotReady];
    const args: (string | number)[] = [lines.length, ...lineArgs(lines)];
    for (const candidate of ranked) {
      const id = candidate.site.id;
      keys.push(this.keys.load(id), this.keys.onHand(id), this.keys.reserved(id));
      args.push(candidate.site.capacity);
    }
    const [code, value] = (await this.moveScript.run(this.redis, keys, args)) as [number, string | number];
    if (code === 1) return { kind: 'moved', candidate: ranked[Number(value) - 1]! };
    if (code === -1) return { kind: 'hot_state_missing' };
    return { kind: 'unroutable', reason: value === 'out_of_stock' ? 'out_of_stock' : 'no_open_site' };
  }

  /** Goods come back to the site (an expired locker parcel): on-hand rises by each line. */
  async restock(siteId: string, lines: readonly OrderLine[]): Promise<void> {
    if (lines.length === 0) return;
    const pipeline = this.redis.multi();
    for (const line of lines) pipeline.hincrby(this.keys.onHand(siteId), line.sku, line.quantity);
    await pipeline.exec();
  }

  /** Forces a rebuild from PostgreSQL: used when Redis may have moved ahead of a rolled-back change. */
  async invalidate(): Promise<void> {
    await this.redis.del(this.keys.hotReady);
  }
}

function lineArgs(lines: readonly OrderLine[]): (string | number)[] {
  const args: (string | number)[] = [];
  for (const line of lines) args.push(line.sku, line.quantity);
  return args;
}
