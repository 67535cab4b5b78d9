export { HeldStock, type MoveOutcome } from './held.ts';
export { HotStock } from './hot-stock.ts';
export {
  type CompiledHours,
  compileHours,
  isOpenAt,
  isOpenCompiled,
  type LocalTime,
  localTime,
} from './hours.ts';
export { type RedisKeys, redisKeys } from './keys.ts';
export { LuaScript } from './lua-script.ts';
export { type Decision, decideInMemory, MemoryStockView } from './memory-view.ts';
export { type Plan, planRoute } from './planner.ts';
export { nearestPolicy, type RoutingPolicy } from './policy.ts';
export type { RankedCandidates } from './ranked.ts';
export { ensureHotState, type RebuildResult } from './rebuild.ts';
export { type ReservationTarget, type ReserveOutcome, Reserver } from './reserver.ts';
export { BUCKET_RESOLUTION, routableSite, SiteIndex } from './site-index.ts';
export { SiteIndexSync } from './site-sync.ts';
export { type SweepResult, startSweeper, sweepPendingReservations } from './sweeper.ts';
export type { Candidate, OrderLine, RoutableSite, RoutingRequest, UnroutableReason } from './types.ts';
