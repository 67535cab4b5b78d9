/**
 * Every Redis key and channel the routing state uses, built in one place so their
 * layout (and, later, their cluster hash tags) changes here and nowhere else.
 */
export interface RedisKeys {
  onHand(siteId: string): string;
  reserved(siteId: string): string;
  load(siteId: string): string;
  /** Claims an (API key, externalId) pair for one order id: exactly one decision each. */
  claim(platformKeyId: string, externalId: string): string;
  /** Reservations made but not yet confirmed by a committed order (zset by expiry). */
  pending: string;
  /** The site of each pending reservation. */
  pendingSites: string;
  /** Present once the hot state has been built from PostgreSQL; gone after a flush. */
  hotReady: string;
  hotRebuildLock: string;
  sweeperLock: string;
  siteChanges: string;
  keyRevocations: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    onHand: (siteId) => `${prefix}:stock:${siteId}:onhand`,
    reserved: (siteId) => `${prefix}:stock:${siteId}:reserved`,
    load: (siteId) => `${prefix}:load:${siteId}`,
    claim: (platformKeyId, externalId) => `${prefix}:claim:${platformKeyId}:${externalId}`,
    pending: `${prefix}:pending`,
    pendingSites: `${prefix}:pending:sites`,
    hotReady: `${prefix}:hot:ready`,
    hotRebuildLock: `${prefix}:hot:rebuild-lock`,
    sweeperLock: `${prefix}:pending:sweeper-lock`,
    siteChanges: `${prefix}:events:sites`,
    keyRevocations: `${prefix}:events:key-revocations`,
  };
}
