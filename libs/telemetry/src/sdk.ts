import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  envDetector,
  hostDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint: a collector base URL (`/v1/traces` is added) or a full traces URL. */
  otlpEndpoint?: string | undefined;
  disabled: boolean;
  /** Share of new traces to sample, 0..1; an incoming sampled parent is always followed. */
  sampleRatio: number;
}

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Telemetry {
  /** Answers a scrape with the Prometheus text format; mount it on GET /metrics. */
  metricsHandler: MetricsHandler;
  /** Flushes and stops the SDK once the last holder in the process has called it. */
  shutdown(): Promise<void>;
}

interface Running {
  sdk: NodeSDK | undefined;
  exporter: PrometheusExporter | undefined;
  holders: number;
}

/** One SDK per process: OpenTelemetry's API globals can hold only one set of providers. */
let running: Running | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Call it before the application's modules are
 * imported, so every instrument they make is bound to the real meter provider.
 *
 * Calling it again while it runs returns another handle on the same SDK (the first
 * caller's options win); the SDK stops when every handle has been shut down, and a later
 * call starts a fresh one. That lets a service's main and its in-process tests both call it.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  running ??= boot(options);
  const state = running;
  state.holders += 1;
  let released = false;
  return {
    metricsHandler: (req, res) => serveMetrics(state, req, res),
    async shutdown() {
      if (released) return;
      released = true;
      state.holders -= 1;
      if (state.holders > 0) return;
      if (running === state) running = undefined;
      await stop(state);
    },
  };
}

function boot(options: TelemetryOptions): Running {
  if (options.disabled) return { sdk: undefined, exporter: undefined, holders: 0 };
  // Scraped through our own HTTP server, so the exporter must not open port 9464.
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({ 'service.namespace': 'quarterhour' }),
    // No process detector: it puts the command line into target_info, and arguments can hold secrets.
    resourceDetectors: [envDetector, hostDetector, serviceInstanceIdDetector],
    metricReaders: [exporter],
    spanProcessors: [spanProcessor(options.otlpEndpoint)],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    // Logs are JSON lines on stdout (see logger.ts), not OTLP; an empty list stops the SDK
    // from configuring an OTLP log exporter from the environment.
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { sdk, exporter, holders: 0 };
}

/**
 * Without an endpoint spans are still created, so logs carry trace and span ids, but go
 * nowhere. A span processor is always given: with none the SDK falls back to exporting
 * OTLP to localhost by itself.
 */
function spanProcessor(endpoint: string | undefined): SpanProcessor {
  if (!endpoint) return new NoopSpanProcessor();
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(endpoint) }));
}

/**
 * The settings merge OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (a full URL) and
 * OTEL_EXPORTER_OTLP_ENDPOINT (a base URL). A URL with no path is taken as the base.
 */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}

function serveMetrics(state: Running, req: IncomingMessage, res: ServerResponse): void {
  if (!state.exporter) {
    res.statusCode = 200;
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    res.end('# telemetry is disabled (OTEL_SDK_DISABLED)\n');
    return;
  }
  state.exporter.getMetricsRequestHandler(req, res);
}

async function stop(state: Running): Promise<void> {
  if (!state.sdk) return;
  // Unregister first, so a new SDK can register while this one is still flushing.
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  await state.sdk.shutdown();
}
