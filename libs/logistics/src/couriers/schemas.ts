import { clientId, type LatLng, latLng } from '@quarterhour/domain';
import { z } from 'zod';

export const VEHICLES = ['walk', 'bike', 'ebike'] as const;
export type Vehicle = (typeof VEHICLES)[number];
export const COURIER_STATUSES = ['available', 'offline'] as const;
export type CourierStatus = (typeof COURIER_STATUSES)[number];

/** `POST /v1/couriers`. A new courier is offline until it says it is available. */
export const courierCreate = z.object({
  id: clientId,
  vehicle: z.enum(VEHICLES),
  capacity: z.number().int('must be an integer').min(1, 'must be >= 1').max(10, 'must be <= 10').default(1),
});
export type NewCourier = z.output<typeof courierCreate>;

/** `PUT /v1/couriers/:id/location`. */
export const courierLocation = latLng;

/** `PUT /v1/couriers/:id/status`. */
export const courierStatusUpdate = z.object({ status: z.enum(COURIER_STATUSES) });

/** A courier as the API returns it. */
export interface Courier {
  id: string;
  vehicle: Vehicle;
  capacity: number;
  status: CourierStatus;
  /** The last position it sent; null until it sends one. */
  location: LatLng | null;
  locatedAt: string | null;
  /** Orders it holds now (assigned, not yet delivered or released). */
  activeOrders: number;
  createdAt: string;
  updatedAt: string;
}
