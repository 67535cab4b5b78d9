export {
  COMPARTMENT_STATES,
  type CompartmentState,
  type ParcelSpec,
  SIZES,
  type Size,
  TEMPERATURES,
  type Temperature,
} from './compartments.ts';
export {
  type AssignResult,
  type CourierCandidate,
  CourierDispatch,
  type CourierDispatchOptions,
  type CurrentCourier,
  type PickupTimeoutResult,
} from './couriers/dispatch.ts';
export { CourierRegistry } from './couriers/registry.ts';
export {
  COURIER_STATUSES,
  type Courier,
  type CourierStatus,
  courierCreate,
  courierLocation,
  courierStatusUpdate,
  type NewCourier,
  VEHICLES,
  type Vehicle,
} from './couriers/schemas.ts';
export type { CourierTarget, OrderEvents } from './events.ts';
export { ensureLogisticsHotState, type LogisticsRebuild } from './hot-state.ts';
export {
  type AcceptedOrderChange,
  courierSearchListener,
  FulfilmentJobs,
  jobPriority,
} from './jobs.ts';
export { type LogisticsKeys, logisticsKeys } from './keys.ts';
export {
  type CollectResult,
  type ExpireResult,
  HotStateMissingError,
  LOCKOUT_MS,
  LockerDispatch,
  type LockerDispatchOptions,
  type ReservedParcel,
  type ReserveResult,
  WRONG_CODE_LIMIT,
  WRONG_CODE_WINDOW_MS,
} from './lockers/dispatch.ts';
export { LockerRegistry } from './lockers/registry.ts';
export {
  type CompartmentView,
  DEFAULT_HOLD_HOURS,
  type Locker,
  lockerCreate,
  type NewLocker,
} from './lockers/schemas.ts';
export { findNearby, INDEX_RESOLUTION, type NearbyMember } from './nearby.ts';
