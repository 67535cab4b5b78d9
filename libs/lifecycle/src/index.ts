export { type Actor, SYSTEM } from './actor.ts';
export { FulfilmentActions } from './fulfilment.ts';
export {
  canSee,
  type LifecycleDeps,
  type LogisticsDeps,
  OrderLifecycle,
  type Outcome,
  Stale,
} from './lifecycle.ts';
export type { StatusChange, StatusChangeListener } from './listener.ts';
export { type LifecycleRuntime, startLifecycleRuntime } from './runtime.ts';
export { COMPLETED, cancellable } from './states.ts';
export { type AcceptanceTimer, type AcceptanceTimers, QueueAcceptanceTimers } from './timers.ts';
