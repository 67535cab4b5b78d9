import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { RequestHandler, Response } from 'express';
import { meter, tracer } from './instruments.ts';
import { UNMATCHED, watchRoute } from './route-template.ts';

/** From 0.5 ms to 5 s: the API answers in milliseconds, and anything past 5 s is an outage. */
export const HTTP_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** Methods outside this set are labelled `_OTHER`, as OpenTelemetry's HTTP conventions say. */
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);
/** nginx's code for "the client went away before the answer was sent". */
const CLIENT_CLOSED = 499;

/**
 * Express middleware, mounted first: one server span per request (continuing a W3C
 * `traceparent` when the caller sent one) and the request counter and duration histogram,
 * labelled `method`, `route` (the template, never the raw URL) and `status_code`.
 * Call it after startTelemetry(), once per app.
 */
export function httpTelemetry(): RequestHandler {
  const requests = meter().createCounter('http_server_requests_total', {
    description: 'HTTP requests answered, by method, route template and status code',
  });
  const duration = meter().createHistogram('http_server_request_duration_seconds', {
    description:
      'Time from request to the last byte of the answer, by method, route template and status code',
    unit: 's',
    advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
  });

  return (req, res, next) => {
    const started = performance.now();
    const route = watchRoute(req);
    const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: req.path,
          [ATTR_URL_SCHEME]: req.protocol,
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
        },
      },
      parent,
    );

    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const template = route.template();
      const labels = { method, route: template, status_code: String(status) };
      requests.add(1, labels);
      duration.record((performance.now() - started) / 1000, labels);
      endSpan(span, res, method, template, status);
    });

    context.with(trace.setSpan(parent, span), next);
  };
}

function endSpan(span: Span, res: Response, method: string, template: string, status: number): void {
  if (template !== UNMATCHED) {
    span.updateName(`${method} ${template}`);
    span.setAttribute(ATTR_HTTP_ROUTE, template);
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  // Per the HTTP conventions a server span is an error only for 5xx; 4xx is the client's.
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: res.statusMessage });
  span.end();
}
