import type { Clock, Priority } from '@quarterhour/domain';
import { jobPriority, type TypedQueue } from '@quarterhour/queue';

/** Schedules the acceptance deadline of an order at a manual site. */
export interface AcceptanceTimers {
  schedule(orderId: string, siteId: string, attempt: number, dueAt: Date, priority: Priority): Promise<void>;
}

type AcceptanceQueue = TypedQueue<'acceptance'>;

/**
 * Deadlines as BullMQ delayed jobs on the acceptance queue. The delay comes from the
 * clock; the job carries the attempt so a stale timer (the order moved on) does nothing.
 */
export class QueueAcceptanceTimers implements AcceptanceTimers {
  constructor(
    private readonly queue: AcceptanceQueue,
    private readonly clock: Clock,
  ) {}

  async schedule(
    orderId: string,
    siteId: string,
    attempt: number,
    dueAt: Date,
    priority: Priority,
  ): Promise<void> {
    const delay = Math.max(0, dueAt.getTime() - this.clock.now().getTime());
    await this.queue.add(
      'acceptanceTimeout',
      { orderId, siteId, attempt },
      { delay, priority: jobPriority(priority) },
    );
  }
}
