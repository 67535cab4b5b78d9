export { isPrivateAddress, PrivateAddressError } from './address.ts';
export {
  type DeliveryContext,
  type DeliverySettings,
  WebhookDeliverer,
  type WebhookDelivererOptions,
  WebhookDeliveryError,
} from './delivery.ts';
export { type PostOptions, type PostResult, postWebhook } from './http-post.ts';
export { WebhookOutbox, type WebhookOutboxOptions } from './outbox.ts';
export { openWebhookOutbox, type WebhookOutboxRuntime } from './outbox-runtime.ts';
export {
  checkWebhookHost,
  type HostCheck,
  type HostCheckOptions,
  MAX_URL_LENGTH,
  type WebhookCreate,
  webhookCreate,
} from './registration.ts';
export { deliveryJobOptions, type WebhookRetryPolicy } from './retry.ts';
export { generateSecret, SECRET_RULE, secretKey } from './secret.ts';
export { type SignedHeaders, signWebhook } from './signature.ts';
export { type DeadLetter, WEBHOOK_ID_PATTERN, type Webhook, WebhookStore } from './store.ts';
export {
  startWebhookSweeper,
  sweepWebhookMessages,
  type WebhookSweeper,
  type WebhookSweepOptions,
} from './sweeper.ts';
