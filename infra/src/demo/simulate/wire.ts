/**
 * The shapes of API.md as the simulation reads them. Like the seeder, the simulation is a client of
 * the public API, so it keeps its own copy of the wire shapes instead of the service's types.
 */

export interface Point {
  lat: number;
  lng: number;
}

export type OrderStatus =
  | 'assigned'
  | 'accepted'
  | 'courier_assigned'
  | 'picked_up'
  | 'delivered'
  | 'locker_reserved'
  | 'ready_for_pickup'
  | 'collected'
  | 'expired'
  | 'completed'
  | 'cancelled'
  | 'unroutable';

export type Fulfilment = 'delivery' | 'locker' | 'pickup' | 'visit';

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface Parcel {
  size: 'S' | 'M' | 'L';
  temperature: 'ambient' | 'chilled' | 'frozen';
}

/** `POST /v1/orders`. */
export interface OrderBody {
  externalId: string;
  customer: Point;
  items?: OrderLine[];
  service?: { type: string };
  fulfilment: Fulfilment;
  priority: 'standard' | 'elderly' | 'child';
  parcel?: Parcel;
}

/** An order as the API answers it (only the fields the simulation reads). */
export interface WireOrder {
  id: string;
  status: OrderStatus;
  fulfilment: Fulfilment;
  customer: Point;
  service?: { type: string };
  unroutableReason?: string;
  site?: { id: string };
  locker?: { id: string; pickupCode?: string };
}

/** Statuses after which nothing more happens to an order (API.md "Life of an order"). */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'delivered',
  'collected',
  'completed',
  'cancelled',
  'expired',
  'unroutable',
]);
