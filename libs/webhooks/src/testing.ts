/** Test support for webhooks, as `@quarterhour/webhooks/testing`; never imported by services. */
export {
  type ReceivedRequest,
  type Responder,
  startWebhookReceiver,
  verifyWebhookSignature,
  type WebhookReceiver,
} from './test-receiver.ts';
export { commitChanges, eventually, insertPlatformKey, scrape, statusChange } from './test-support.ts';
