import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import { LuaScript, ScriptBatcher } from './lua-script.ts';
import type { RankedCandidates } from './ranked.ts';
import type { Candidate, OrderLine, UnroutableReason } from './types.ts';

/** A plain list as a source of candidates in batches (tests and re-routing pass arrays). */
function arraySource(list: readonly Candidate[]): { take(count: number): Candidate[] } {
  let at = 0;
  return {
    take(count) {
      const batch = list.slice(at, at + count);
      at += batch.length;
      return batch;
    },
  };
}

/**
 * Candidates per script call: the nearest few nearly always decide, and every candidate
 * costs the call three keys; more batches follow only if the first ones all fail.
 */
const FIRST_BATCH = 8;
const LATER_BATCH = 32;
/** Sites whose keys are kept built; past this the cache starts again (a bound, not a tuning). */
const KEY_CACHE_SITES = 200_000;

export type ReserveOutcome =
  | { kind: 'reserved'; candidate: Candidate }
  | { kind: 'unroutable'; reason: Extract<UnroutableReason, 'no_open_site' | 'out_of_stock'> }
  /** Another order holds this (key, externalId): answer as a replay of it. */
  | { kind: 'replay'; orderId: string }
  | { kind: 'hot_state_missing' };

export interface ReservationTarget {
  orderId: string;
  platformKeyId: string;
  externalId: string;
  lines: readonly OrderLine[];
}

/**
 * Runs the reserve and release scripts. The script, not this process, decides: the
 * ranked list only says in which order to try sites.
 */
export class Reserver {
  private readonly reserveScript: ScriptBatcher;
  private readonly keyCache = new Map<string, readonly [string, string, string]>();
  private readonly releaseScript = new LuaScript('releasePending');

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: { pendingTtlMs: number; claimTtlMs: number; now?: () => number },
  ) {
    // Concurrent orders share a round trip; each reservation is still its own script call.
    this.reserveScript = new ScriptBatcher(new LuaScript('reserveFirstEligible'), redis);
  }

  async reserve(
    target: ReservationTarget,
    ranked: RankedCandidates | readonly Candidate[],
  ): Promise<ReserveOutcome> {
    const source = Array.isArray(ranked)
      ? arraySource(ranked as readonly Candidate[])
      : (ranked as RankedCandidates);
    const lineArgs: (string | number)[] = [];
    for (const line of target.lines) lineArgs.push(line.sku, line.quantity);
    const now = this.options.now?.() ?? Date.now();
    let roomSomewhere = false;
    for (let round = 0; ; round++) {
      const batch = source.take(round === 0 ? FIRST_BATCH : LATER_BATCH);
      if (batch.length === 0 && round > 0) break;
      const keys = [
        this.keys.hotReady,
        this.keys.claim(target.platformKeyId, target.externalId),
        this.keys.pending,
        this.keys.pendingSites,
      ];
      const args: (string | number)[] = [
        target.orderId,
        now + this.options.pendingTtlMs,
        this.options.claimTtlMs,
        target.lines.length,
        JSON.stringify({
          platformKeyId: target.platformKeyId,
          externalId: target.externalId,
          lines: target.lines,
        }),
        ...lineArgs,
      ];
      for (const candidate of batch) {
        const id = candidate.site.id;
        const [load, onHand, reserved] = this.siteKeys(id);
        keys.push(load, onHand, reserved);
        args.push(candidate.site.capacity, id);
      }
      const [code, value] = (await this.reserveScript.run(keys, args)) as [number, string | number];
      if (code === 1) return { kind: 'reserved', candidate: batch[Number(value) - 1]! };
      if (code === -1) return { kind: 'hot_state_missing' };
      if (code === -2) return { kind: 'replay', orderId: String(value) };
      if (value === 'out_of_stock') roomSomewhere = true;
      if (batch.length === 0) break;
    }
    return { kind: 'unroutable', reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
  }

  /**
   * A site's three keys, built once: every order names the keys of eight candidates, and
   * the same few thousand sites come up again and again.
   */
  private siteKeys(siteId: string): readonly [string, string, string] {
    let keys = this.keyCache.get(siteId);
    if (!keys) {
      if (this.keyCache.size >= KEY_CACHE_SITES) this.keyCache.clear();
      keys = [this.keys.load(siteId), this.keys.onHand(siteId), this.keys.reserved(siteId)];
      this.keyCache.set(siteId, keys);
    }
    return keys;
  }

  /** Undoes a reservation whose order was not committed; false when it was no longer pending. */
  async releasePending(target: ReservationTarget, siteId: string): Promise<boolean> {
    const args: (string | number)[] = [target.orderId];
    for (const line of target.lines) args.push(line.sku, line.quantity);
    const released = await this.releaseScript.run(
      this.redis,
      [
        this.keys.pending,
        this.keys.pendingSites,
        this.keys.load(siteId),
        this.keys.reserved(siteId),
        this.keys.claim(target.platformKeyId, target.externalId),
      ],
      args,
    );
    return released === 1;
  }

  /** Drops the claim of an order that was never stored, so the client may send it again. */
  async dropClaim(target: ReservationTarget): Promise<void> {
    const key = this.keys.claim(target.platformKeyId, target.externalId);
    if ((await this.redis.get(key)) === target.orderId) await this.redis.del(key);
  }

  /** Marks reservations as backed by committed orders, many at once. */
  async confirm(orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.keys.pending, ...orderIds)
      .hdel(this.keys.pendingSites, ...orderIds)
      .exec();
  }
}
