import type { Priority } from '@quarterhour/domain';
import type { Point } from '@quarterhour/geo';

/** Where a delivery order's courier must go first, and how urgent it is. */
export interface CourierTarget {
  siteId: string;
  siteLocation: Point;
  priority: Priority;
}

/**
 * What the fulfilment jobs need from the order lifecycle (libs/lifecycle implements it).
 * The jobs change courier and locker state; the lifecycle changes the order: its status,
 * its events, the columns `courier_id` / `locker_id`. A job can run twice, so every method
 * must be idempotent, and must quietly do nothing for an order that has moved on.
 */
export interface OrderEvents {
  /**
   * The site of a delivery order that wants a courier now (accepted, or back to waiting
   * after a courier timed out); null when it no longer does (cancelled, handed over,
   * not a delivery order): the search then stops.
   */
  courierTarget(orderId: string): Promise<CourierTarget | null>;
  /**
   * The courier now holds the order: status `courier_assigned`, event `courier_assigned`
   * with `courierId` and `distanceMeters` (courier to site). Returns false when the order
   * no longer wants a courier; the job then releases it.
   */
  onCourierAssigned(orderId: string, courierId: string, distanceMeters: number): Promise<boolean>;
  /**
   * No courier could take the order; the search goes on with back-off. Called after the
   * first fruitless attempt and after the last (`final`: the job gives up), so the wait
   * shows among the order's events without one per retry.
   */
  onCourierUnavailable(
    orderId: string,
    wait: { attempts: number; waitedSeconds: number; final: boolean },
  ): Promise<void>;
  /**
   * The courier did not pick up within the pickup timeout and was released; it will never
   * be offered this order again. A new search has been requested (the order goes back to
   * waiting for a courier).
   */
  onCourierTimedOut(orderId: string, courierId: string): Promise<void>;
  /**
   * The parcel's hold time is over and its compartment is free (or was already freed):
   * status `expired`, and the site is told to take the parcel back. A no-op for an order
   * no longer `ready_for_pickup` (collected meanwhile).
   */
  expireLockerOrder(orderId: string): Promise<void>;
}
