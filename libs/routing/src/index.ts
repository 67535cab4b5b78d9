export { HotStock } from './hot-stock.ts';
export { type RedisKeys, redisKeys } from './keys.ts';
export { ACTIVE_ORDER_STATES, ensureHotState, type RebuildResult } from './rebuild.ts';
