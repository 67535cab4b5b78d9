import type { Fulfilment, OrderStatus } from '@quarterhour/domain';

/** Where an order may be cancelled: before handover (API.md). */
export function cancellable(status: OrderStatus, fulfilment: Fulfilment): boolean {
  if (status === 'assigned' || status === 'accepted') return true;
  if (status === 'courier_assigned' || status === 'locker_reserved') return true;
  // A pickup order waits at the store before the handover; a locker order there is past it.
  return status === 'ready_for_pickup' && fulfilment === 'pickup';
}

/** Statuses in which an order is finished and may be rated. */
export const COMPLETED: readonly OrderStatus[] = ['delivered', 'collected', 'completed'];
