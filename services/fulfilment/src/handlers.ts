import type { JobHandlers } from '@quarterhour/queue';

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
 * Handlers of the webhooks queue.
 *
 * PLACEHOLDER — the webhooks issue fills this in: load the message and the webhook,
 * sign it (Standard Webhooks), POST it, and throw on a non-2xx so BullMQ retries with
 * back-off. Until then jobs are only logged.
 */
export const webhookHandlers: JobHandlers<'webhooks'> = {
  async webhookDelivery(data, { logger }) {
    logger.info('webhook delivery received; not implemented yet', {
      messageId: data.messageId,
      webhookId: data.webhookId,
      orderId: data.orderId,
    });
  },
};
