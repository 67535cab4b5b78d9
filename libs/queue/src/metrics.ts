import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { meter } from '@quarterhour/telemetry';

export interface QueueInstruments {
  depth: ObservableGauge;
  wait: Histogram;
  duration: Histogram;
  failures: Counter;
}

/** Queue waits range from milliseconds (idle workers) to minutes (a backlog). */
const WAIT_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Handlers do a few Redis and PostgreSQL round trips, or one HTTP call (webhooks, up to its timeout). */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The job states reported by `queue_depth`. */
export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'paused'] as const;

/** One set per meter: several workers in a process share the instruments. */
const cache = new WeakMap<Meter, QueueInstruments>();

export function queueInstruments(): QueueInstruments {
  const current = meter();
  let instruments = cache.get(current);
  if (!instruments) {
    instruments = {
      depth: current.createObservableGauge('queue_depth', {
        description: 'Jobs in a queue by state, read from Redis at each scrape',
      }),
      wait: current.createHistogram('queue_job_wait_seconds', {
        description: 'Time a job was ready before a worker took it (first attempts only)',
        unit: 's',
        advice: { explicitBucketBoundaries: WAIT_BUCKETS },
      }),
      duration: current.createHistogram('queue_job_duration_seconds', {
        description: 'Time a worker spent on one attempt of a job, by outcome',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      failures: current.createCounter('queue_job_failures_total', {
        description:
          'Failed job attempts, by reason: error (retried while attempts remain), unrecoverable, invalid',
      }),
    };
    cache.set(current, instruments);
  }
  return instruments;
}
