import type { OrderLifecycle } from '@quarterhour/lifecycle';
import { type JobHandlers, RetryLater } from '@quarterhour/queue';

/**
 * Handlers of the acceptance queue. A timer whose order moved on (accepted, declined,
 * cancelled, or re-routed: another attempt) does nothing; a due one re-routes the order,
 * never back to a site that declined it or let it time out.
 */
export function acceptanceHandlers(lifecycle: OrderLifecycle): JobHandlers<'acceptance'> {
  return {
    async acceptanceTimeout(data, { logger }) {
      const result = await lifecycle.timeout(data.orderId, data.siteId, data.attempt);
      if (result === 'early') {
        // The clock has not reached the deadline (timers fire on BullMQ's clock); retried with back-off.
        throw new RetryLater(`acceptance deadline of ${data.orderId} not reached yet`);
      }
      logger.info('acceptance timer', {
        orderId: data.orderId,
        siteId: data.siteId,
        attempt: data.attempt,
        result,
      });
    },
  };
}
