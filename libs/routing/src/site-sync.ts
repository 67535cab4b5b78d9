import type { SiteStore } from '@quarterhour/db';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import { routableSite, type SiteIndex } from './site-index.ts';

/**
 * Keeps a process's site index current: loads every site at start, then reloads a site
 * from PostgreSQL whenever any process announces a change on the sites channel. The
 * message carries only the id, so PostgreSQL stays the one source of the site's fields.
 */
export class SiteIndexSync {
  private subscriber: Redis | undefined;

  constructor(
    private readonly sites: SiteStore,
    private readonly index: SiteIndex,
    private readonly keys: RedisKeys,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  /** True once every site has been loaded; routing from an empty index would be wrong, not slow. */
  loaded = false;
  private retry: NodeJS.Timeout | undefined;

  /**
   * Subscribes and loads. With `tolerateFailure`, a first load that fails (PostgreSQL not
   * up yet) is retried in the background instead of failing the start; until it succeeds
   * `loaded` stays false and callers must refuse to route.
   */
  async start(redis: Redis, options: { tolerateFailure?: boolean } = {}): Promise<void> {
    // Subscribe first, then load: a change during the load is applied again afterwards.
    this.subscriber = redis.duplicate({ maxRetriesPerRequest: null });
    await this.subscriber.subscribe(this.keys.siteChanges);
    this.subscriber.on('message', (channel, siteId) => {
      if (channel === this.keys.siteChanges) this.refresh(siteId).catch(this.onError);
    });
    // After a reconnect, messages sent meanwhile are lost: reload everything.
    this.subscriber.on('ready', () => {
      this.reloadAll().catch(this.onError);
    });
    if (!options.tolerateFailure) {
      await this.reloadAll();
      return;
    }
    await this.reloadAll().catch((error: Error) => {
      this.onError(error);
      this.retryUntilLoaded();
    });
  }

  private retryUntilLoaded(): void {
    this.retry = setTimeout(() => {
      this.reloadAll().catch((error: Error) => {
        this.onError(error);
        this.retryUntilLoaded();
      });
    }, 2_000);
    this.retry.unref();
  }

  async refresh(siteId: string): Promise<void> {
    const site = await this.sites.get(siteId);
    if (site) this.index.upsert(routableSite(site));
    else this.index.remove(siteId);
  }

  async reloadAll(): Promise<void> {
    for (const site of await this.sites.list()) this.index.upsert(routableSite(site));
    this.loaded = true;
  }

  stop(): void {
    clearTimeout(this.retry);
    this.subscriber?.disconnect();
  }
}
