/**
 * Every Redis key and channel the routing state uses, built in one place so their
 * layout (and, later, their cluster hash tags) changes here and nowhere else.
 */
export interface RedisKeys {
  onHand(siteId: string): string;
  reserved(siteId: string): string;
  load(siteId: string): string;
  /** Present once the hot state has been built from PostgreSQL; gone after a flush. */
  hotReady: string;
  hotRebuildLock: string;
  siteChanges: string;
  keyRevocations: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    onHand: (siteId) => `${prefix}:stock:${siteId}:onhand`,
    reserved: (siteId) => `${prefix}:stock:${siteId}:reserved`,
    load: (siteId) => `${prefix}:load:${siteId}`,
    hotReady: `${prefix}:hot:ready`,
    hotRebuildLock: `${prefix}:hot:rebuild-lock`,
    siteChanges: `${prefix}:events:sites`,
    keyRevocations: `${prefix}:events:key-revocations`,
  };
}
