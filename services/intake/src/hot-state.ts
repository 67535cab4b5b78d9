import type { Sql } from '@quarterhour/db';
import { ensureHotState, type RebuildResult, type RedisKeys } from '@quarterhour/routing';
import type { Redis } from 'ioredis';

const CHECK_EVERY_MS = 1_000;

/**
 * Keeps Redis's hot copy of stock present: checks the marker at most once a second and
 * rebuilds from PostgreSQL when a flush or restart removed it. Readers call `ensure()`
 * before they trust Redis; concurrent callers share one check.
 */
export class HotStateGuard {
  private checkedAt = 0;
  private pending: Promise<RebuildResult | null> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly onRebuilt: (result: RebuildResult) => void = () => {},
  ) {}

  ensure(force = false): Promise<RebuildResult | null> {
    if (!force && Date.now() - this.checkedAt < CHECK_EVERY_MS) return Promise.resolve(null);
    this.pending ??= ensureHotState(this.sql, this.redis, this.keys)
      .then((result) => {
        this.checkedAt = Date.now();
        if (result.rebuilt) this.onRebuilt(result);
        return result;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
