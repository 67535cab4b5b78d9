import type { Clock, Order, OrderStatus, Priority } from '@quarterhour/domain';
import { jobPriority, type TypedQueue } from '@quarterhour/queue';

export { jobPriority };

/** The fulfilment jobs, produced with the order's priority and delays from the clock. */
export class FulfilmentJobs {
  constructor(
    private readonly queue: TypedQueue<'fulfilment'>,
    private readonly clock: Clock,
  ) {}

  /** Starts (or, with a later round, restarts) the courier search of a delivery order. */
  async requestCourier(orderId: string, priority: Priority, round = 1, delayMs = 0): Promise<void> {
    await this.queue.add(
      'courierAssignment',
      { orderId, round },
      { priority: jobPriority(priority), ...(delayMs > 0 ? { delay: delayMs } : {}) },
    );
  }

  /** Starts the courier search of many orders in one round trip (the orders of one commit). */
  async requestCouriers(orders: readonly { orderId: string; priority: Priority }[]): Promise<void> {
    await this.queue.addMany(
      orders.map(({ orderId, priority }) => ({
        name: 'courierAssignment' as const,
        data: { orderId, round: 1 },
        options: { priority: jobPriority(priority) },
      })),
    );
  }

  async schedulePickupTimeout(orderId: string, courierId: string, priority: Priority, dueAt: Date) {
    await this.queue.add(
      'courierPickupTimeout',
      { orderId, courierId },
      { priority: jobPriority(priority), delay: this.delayUntil(dueAt) },
    );
  }

  async scheduleLockerExpiry(orderId: string, lockerId: string, priority: Priority, expiresAt: Date) {
    await this.queue.add(
      'lockerHoldExpiry',
      { orderId, lockerId },
      { priority: jobPriority(priority), delay: this.delayUntil(expiresAt) },
    );
  }

  private delayUntil(at: Date): number {
    return Math.max(0, at.getTime() - this.clock.now().getTime());
  }
}

/** The part of libs/lifecycle's StatusChange this listener reads (structurally the same). */
export interface AcceptedOrderChange {
  orderId: string;
  status: OrderStatus;
  order: Pick<Order, 'fulfilment' | 'priority'>;
}

/**
 * A status-change listener (libs/lifecycle's StatusChangeListener, by shape: this package
 * does not depend on the lifecycle) that starts the courier search of every delivery order
 * once it is accepted, including a locker order that fell back to delivery.
 */
export function courierSearchListener(
  jobs: FulfilmentJobs,
  onError: (error: unknown, orderId: string) => void,
): { afterCommit(changes: readonly AcceptedOrderChange[]): Promise<void> } {
  return {
    async afterCommit(changes) {
      const accepted = changes
        .filter((change) => change.status === 'accepted' && change.order.fulfilment === 'delivery')
        .map((change) => ({ orderId: change.orderId, priority: change.order.priority }));
      if (accepted.length === 0) return;
      try {
        await jobs.requestCouriers(accepted);
        return;
      } catch {
        // One bad order fails the batch: send them one by one so the others still go.
      }
      for (const { orderId, priority } of accepted) {
        try {
          await jobs.requestCourier(orderId, priority);
        } catch (error) {
          // afterCommit must not throw: the change is committed whatever happens here.
          onError(error, orderId);
        }
      }
    },
  };
}
