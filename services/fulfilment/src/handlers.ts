import type { JobHandlers } from '@quarterhour/queue';
import type { WebhookDeliverer } from '@quarterhour/webhooks';

/**
 * Handlers of the fulfilment queue.
 *
 * PLACEHOLDER — the lockers issue fills this in (free the compartment, record the
 * `expired` event, tell the site to take the parcel back); the couriers issue adds its
 * jobs to the catalog and its handlers here. Until then jobs are only logged.
 */
export const fulfilmentHandlers: JobHandlers<'fulfilment'> = {
  async lockerHoldExpiry(data, { logger }) {
    logger.info('locker hold expiry received; not implemented yet', {
      orderId: data.orderId,
      lockerId: data.lockerId,
    });
  },
};

/**
 * Handlers of the webhooks queue: each job delivers the pending messages of one
 * (webhook, order) pair in order; a throw is a failed delivery that BullMQ retries.
 */
export function webhookHandlers(deliverer: WebhookDeliverer): JobHandlers<'webhooks'> {
  return {
    webhookDelivery: (data, { signal, logger }) => deliverer.deliverPair(data, { signal, logger }),
  };
}
