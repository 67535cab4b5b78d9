import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';

/** Every instrument of the system lives under one scope; the metric names carry the meaning. */
const SCOPE = 'quarterhour';

/**
 * The meter to create instruments with. Call it when a component is built (a worker, an
 * app), never at module import: the metrics API has no proxy, so an instrument made
 * before startTelemetry() stays a no-op forever.
 */
export function meter(): Meter {
  return metrics.getMeter(SCOPE);
}

/** The tracer for spans of this system (the trace API proxies, but keep the same habit). */
export function tracer(): Tracer {
  return trace.getTracer(SCOPE);
}
