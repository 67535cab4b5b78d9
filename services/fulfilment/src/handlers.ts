import type { JobHandlers } from '@quarterhour/queue';
import type { WebhookDeliverer } from '@quarterhour/webhooks';

/**
 * Handlers of the webhooks queue: each job delivers the pending messages of one
 * (webhook, order) pair in order; a throw is a failed delivery that BullMQ retries.
 */
export function webhookHandlers(deliverer: WebhookDeliverer): JobHandlers<'webhooks'> {
  return {
    webhookDelivery: (data, { signal, logger }) => deliverer.deliverPair(data, { signal, logger }),
  };
}
