import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { meter } from '@quarterhour/telemetry';

export interface WebhookInstruments {
  deliveries: Counter;
  dead: Counter;
  duration: Histogram;
  lag: Histogram;
}

/** One HTTP attempt: from a fast local receiver to the timeout. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Status change to delivery: queueing alone is milliseconds, retries make it minutes. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

const cache = new WeakMap<Meter, WebhookInstruments>();

/** Made when a deliverer is built (after telemetry started), once per meter. */
export function webhookInstruments(): WebhookInstruments {
  const current = meter();
  let instruments = cache.get(current);
  if (!instruments) {
    instruments = {
      deliveries: current.createCounter('webhook_deliveries_total', {
        description: 'Webhook delivery attempts, by outcome: delivered (2xx) or failed',
      }),
      dead: current.createCounter('webhook_deliveries_dead_total', {
        description: 'Webhook messages dead-lettered after their last attempt',
      }),
      duration: current.createHistogram('webhook_delivery_duration_seconds', {
        description: 'Time of one webhook POST, by outcome',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      lag: current.createHistogram('webhook_delivery_lag_seconds', {
        description: 'Time from a status change being recorded to its webhook message being delivered',
        unit: 's',
        advice: { explicitBucketBoundaries: LAG_BUCKETS },
      }),
    };
    cache.set(current, instruments);
  }
  return instruments;
}
