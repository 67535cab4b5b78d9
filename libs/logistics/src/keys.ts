/**
 * Every Redis key the courier and locker hot state uses, built in one place so their
 * layout (and, later, their cluster hash tags) changes here and nowhere else.
 * docs/FULFILMENT.md draws the layout.
 */
export interface LogisticsKeys {
  /** A courier (hash: vehicle, capacity, status, lat, lng, cell, held). */
  courier(courierId: string): string;
  /** Available couriers whose last position lies in an H3 cell (set of courier ids). */
  courierCell(cell: string): string;
  /** Pattern of every courierCell key, for the rebuild. */
  courierCellPattern: string;
  /** A delivery order's courier (hash: courier, distance, assignedAt, pickedUpAt, searchSince, closed). */
  courierOrder(orderId: string): string;
  /** Couriers who timed out at pickup on this order and are never offered it again (set). */
  courierExcluded(orderId: string): string;
  /** Pattern of every courierOrder and courierExcluded key, for the rebuild. */
  courierOrderPattern: string;
  /** A locker (hash: lat, lng, holdHours). */
  locker(lockerId: string): string;
  /** Lockers in an H3 cell (set of locker ids). */
  lockerCell(cell: string): string;
  lockerCellPattern: string;
  /** Free compartments of a locker (zset: number -> category * 10000 + number). */
  lockerFree(lockerId: string): string;
  /** Pickup codes of a locker's active parcels (hash: code -> order id). */
  lockerCodes(lockerId: string): string;
  /** A locker's active parcels (hash: order id -> JSON of the parcel). */
  lockerParcels(lockerId: string): string;
  /** Wrong codes typed at a locker recently (zset: token -> ms since epoch). */
  lockerWrongCodes(lockerId: string): string;
  /** Until when a locker refuses codes after too many wrong ones (string: ms since epoch). */
  lockerLockout(lockerId: string): string;
  /** The locker of every order holding a compartment (hash: order id -> locker id). */
  lockerOrders: string;
  /** Present once the hot state has been built from PostgreSQL; gone after a flush. */
  hotReady: string;
  hotRebuildLock: string;
}

export function logisticsKeys(prefix: string): LogisticsKeys {
  return {
    courier: (courierId) => `${prefix}:courier:${courierId}`,
    courierCell: (cell) => `${prefix}:couriers:cell:${cell}`,
    courierCellPattern: `${prefix}:couriers:cell:*`,
    courierOrder: (orderId) => `${prefix}:courier-order:${orderId}`,
    courierExcluded: (orderId) => `${prefix}:courier-order:${orderId}:excluded`,
    courierOrderPattern: `${prefix}:courier-order:*`,
    locker: (lockerId) => `${prefix}:locker:${lockerId}`,
    lockerCell: (cell) => `${prefix}:lockers:cell:${cell}`,
    lockerCellPattern: `${prefix}:lockers:cell:*`,
    lockerFree: (lockerId) => `${prefix}:locker:${lockerId}:free`,
    lockerCodes: (lockerId) => `${prefix}:locker:${lockerId}:codes`,
    lockerParcels: (lockerId) => `${prefix}:locker:${lockerId}:parcels`,
    lockerWrongCodes: (lockerId) => `${prefix}:locker:${lockerId}:wrong-codes`,
    lockerLockout: (lockerId) => `${prefix}:locker:${lockerId}:lockout`,
    lockerOrders: `${prefix}:locker-orders`,
    hotReady: `${prefix}:logistics:hot:ready`,
    hotRebuildLock: `${prefix}:logistics:hot:rebuild-lock`,
  };
}
