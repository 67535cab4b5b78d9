import type { Clock, Priority } from '@quarterhour/domain';
import { jobPriority, type TypedQueue } from '@quarterhour/queue';

export interface AcceptanceTimer {
  orderId: string;
  siteId: string;
  attempt: number;
  dueAt: Date;
  priority: Priority;
}

/** Schedules the acceptance deadline of an order at a manual site. */
export interface AcceptanceTimers {
  schedule(orderId: string, siteId: string, attempt: number, dueAt: Date, priority: Priority): Promise<void>;
  /** Many deadlines in one round trip: the orders of one group commit. */
  scheduleMany(timers: readonly AcceptanceTimer[]): Promise<void>;
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
    await this.scheduleMany([{ orderId, siteId, attempt, dueAt, priority }]);
  }

  async scheduleMany(timers: readonly AcceptanceTimer[]): Promise<void> {
    const now = this.clock.now().getTime();
    await this.queue.addMany(
      timers.map(({ orderId, siteId, attempt, dueAt, priority }) => ({
        name: 'acceptanceTimeout' as const,
        data: { orderId, siteId, attempt },
        options: { delay: Math.max(0, dueAt.getTime() - now), priority: jobPriority(priority) },
      })),
    );
  }
}
