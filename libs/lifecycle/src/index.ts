export { type Actor, SYSTEM } from './actor.ts';
export { canSee, type LifecycleDeps, OrderLifecycle } from './lifecycle.ts';
export type { StatusChange, StatusChangeListener } from './listener.ts';
export { type LifecycleRuntime, startLifecycleRuntime } from './runtime.ts';
export { COMPLETED, cancellable } from './states.ts';
export { type AcceptanceTimers, QueueAcceptanceTimers } from './timers.ts';
