import { meter } from '@quarterhour/telemetry';

/** Couriers usually turn up within minutes; the tail is what ops must see. */
const WAIT_BUCKETS = [0, 1, 5, 15, 30, 60, 120, 300, 600, 1200];

export type SearchOutcome = 'assigned' | 'none' | 'closed' | 'abandoned';

export interface CourierMetrics {
  recordAttempt(outcome: SearchOutcome): void;
  recordWait(seconds: number): void;
}

/** The courier-search instruments, made when the service builds its handlers. */
export function courierMetrics(): CourierMetrics {
  const attempts = meter().createCounter('courier_search_attempts_total', {
    description:
      'Courier searches by outcome: assigned, none (nobody free; retried), closed (delivered or cancelled meanwhile), abandoned (the order no longer wants one)',
  });
  const wait = meter().createHistogram('courier_wait_seconds', {
    description:
      'From the first fruitless search of a delivery order to its courier (0 when one was free at once)',
    unit: 's',
    advice: { explicitBucketBoundaries: WAIT_BUCKETS },
  });
  return {
    recordAttempt: (outcome) => attempts.add(1, { outcome }),
    recordWait: (seconds) => wait.record(seconds),
  };
}
