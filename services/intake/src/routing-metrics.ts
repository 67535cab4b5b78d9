import { meter } from '@quarterhour/telemetry';

/** Buckets for an in-request decision measured in milliseconds, not seconds. */
const DECISION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The routing instruments of the intake, made when the intake starts. */
export function routingMetrics() {
  const decisions = meter().createHistogram('routing_decision_duration_seconds', {
    description:
      'Time from a valid order to its committed decision, by outcome (routed or the unroutable reason)',
    unit: 's',
    advice: { explicitBucketBoundaries: DECISION_BUCKETS },
  });
  const strays = meter().createCounter('routing_stray_reservations_released_total', {
    description: 'Reservations released by the sweeper because their order was never committed',
  });
  return {
    recordDecision(outcome: string, seconds: number) {
      decisions.record(seconds, { outcome });
    },
    recordStraysReleased(count: number) {
      strays.add(count);
    },
  };
}
