import type { JobHandlers } from '@quarterhour/queue';

/**
 * Handlers of the acceptance queue.
 *
 * PLACEHOLDER — the acceptance-timeout issue fills this in: load the order, ignore the
 * timer when `attempt` no longer matches the order's assignment (it was accepted,
 * declined or re-routed meanwhile), else release the site's reservation, record the
 * timeout event and route the order again, never back to a site that let it time out.
 * Until then the job is only logged, so timers scheduled by intake drain harmlessly.
 */
export const acceptanceHandlers: JobHandlers<'acceptance'> = {
  async acceptanceTimeout(data, { logger }) {
    logger.info('acceptance timeout received; re-routing not implemented yet', {
      orderId: data.orderId,
      siteId: data.siteId,
      attempt: data.attempt,
    });
  },
};
