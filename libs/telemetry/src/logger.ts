import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

/** Where lines go; stdout unless a test hands in its own. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  destination?: LogDestination;
}

/**
 * One JSON object per line: `time`, `level`, `service`, `msg`, then `traceId`/`spanId` of
 * the active span, then the caller's fields (redacted). Fields never overwrite those keys.
 */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line, e.g. `{ queue, jobId }`. */
  child(fields: LogFields): Logger;
  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(options: LoggerOptions): Logger {
  return build(options.service, options.level, options.destination ?? process.stdout, {});
}

function build(service: string, level: LogLevel, destination: LogDestination, bound: LogFields): Logger {
  const threshold = SEVERITY[level];
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (SEVERITY[lineLevel] < threshold) return;
    destination.write(`${JSON.stringify(line(service, lineLevel, msg, { ...bound, ...fields }))}\n`);
  };
  return {
    level,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => build(service, level, destination, { ...bound, ...fields }),
    isEnabled: (lineLevel) => SEVERITY[lineLevel] >= threshold,
  };
}

function line(service: string, level: string, msg: string, fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = { time: new Date().toISOString(), level, service, msg };
  const span = trace.getSpan(context.active())?.spanContext();
  if (span && isSpanContextValid(span)) {
    out.traceId = span.traceId;
    out.spanId = span.spanId;
  }
  const clean = redact(fields) as LogFields;
  for (const [name, value] of Object.entries(clean)) {
    if (!(name in out)) out[name] = value;
  }
  return out;
}
