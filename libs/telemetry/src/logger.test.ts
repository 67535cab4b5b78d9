import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracer } from './instruments.ts';
import { createLogger, type LogLevel } from './logger.ts';
import { REDACTED } from './redact.ts';
import { startTelemetry, type Telemetry } from './sdk.ts';

function capture(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ service: 'test', level, destination: { write: (line) => lines.push(line) } });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('createLogger', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'logger-test', disabled: false, sampleRatio: 1 });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('writes one JSON object per line with time, level, service, msg and the fields', () => {
    const { logger, lines, parsed } = capture();
    logger.info('order routed', { orderId: 'o-1', candidates: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const [line] = parsed();
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      service: 'test',
      msg: 'order routed',
      orderId: 'o-1',
      candidates: 3,
    });
    expect(Object.keys(line ?? {}).slice(0, 4)).toEqual(['time', 'level', 'service', 'msg']);
  });

  it('drops lines below the level, and everything when silent', () => {
    const warnOnly = capture('warn');
    warnOnly.logger.debug('d');
    warnOnly.logger.info('i');
    warnOnly.logger.warn('w');
    warnOnly.logger.error('e');
    expect(warnOnly.parsed().map((l) => l.level)).toEqual(['warn', 'error']);
    const silent = capture('silent');
    silent.logger.error('e');
    expect(silent.lines).toHaveLength(0);
  });

  it('never lets fields overwrite the fixed keys', () => {
    const { logger, parsed } = capture();
    logger.info('real', { msg: 'fake', level: 'error', service: 'other', time: 'then' });
    expect(parsed()[0]).toMatchObject({ msg: 'real', level: 'info', service: 'test' });
  });

  it('redacts secrets at any depth and never logs headers', () => {
    const { logger, lines } = capture();
    logger.warn('webhook failed', {
      webhook: { id: 'w-1', secret: 'whsec_abc', target: { apiKey: 'k', auth: { token: 'tok_9f8e' } } },
      request: { method: 'POST', headers: { authorization: 'Bearer zzz' } },
      databaseUrl: 'postgres://app:pw@db/qh',
    });
    const text = lines.join('');
    for (const secret of ['whsec_abc', '"k"', 'tok_9f8e', 'zzz', ':pw@']) expect(text).not.toContain(secret);
    const line = JSON.parse(text);
    expect(line.webhook).toEqual({
      id: 'w-1',
      secret: REDACTED,
      target: { apiKey: REDACTED, auth: { token: REDACTED } },
    });
    expect(line.request).toEqual({ method: 'POST' });
  });

  it('adds traceId and spanId inside an active span, and none outside', () => {
    const { logger, parsed } = capture();
    let ids: { traceId: string; spanId: string } | undefined;
    tracer().startActiveSpan('work', (span) => {
      ids = span.spanContext();
      logger.info('inside');
      span.end();
    });
    logger.info('outside');
    const [inside, outside] = parsed();
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inside).toMatchObject({ traceId: ids?.traceId, spanId: ids?.spanId });
    expect(outside).not.toHaveProperty('traceId');
  });

  it('child loggers carry their bound fields', () => {
    const { logger, parsed } = capture();
    logger.child({ queue: 'acceptance' }).child({ jobId: '7' }).info('done', { ms: 3 });
    expect(parsed()[0]).toMatchObject({ queue: 'acceptance', jobId: '7', ms: 3 });
  });
});
