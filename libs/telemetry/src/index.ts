export {
  type HealthServer,
  type HealthServerOptions,
  type ReadinessCheck,
  startHealthServer,
} from './health-server.ts';
export { HTTP_DURATION_BUCKETS, httpTelemetry } from './http-metrics.ts';
export { meter, tracer } from './instruments.ts';
export {
  createLogger,
  type LogDestination,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger.ts';
export { REDACTED, redact } from './redact.ts';
export { type RouteWatch, UNMATCHED, watchRoute } from './route-template.ts';
export {
  type RunningService,
  type RunServiceOptions,
  runService,
  type ServiceSettings,
} from './run-service.ts';
export { type MetricsHandler, startTelemetry, type Telemetry, type TelemetryOptions } from './sdk.ts';
export { onShutdownSignal, type ShutdownOptions } from './shutdown.ts';
