import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact.ts';

describe('redact', () => {
  it('masks fields named like secrets at any depth, arrays included', () => {
    const out = redact({
      site: 's-1',
      apiKey: 'qh_live_abc',
      nested: { deeper: { webhook: { secret: 'whsec_x', url: 'http://x' }, Authorization: 'Bearer y' } },
      list: [{ token: 't' }, { password: 'p', name: 'n' }],
    });
    expect(out).toEqual({
      site: 's-1',
      apiKey: REDACTED,
      nested: { deeper: { webhook: { secret: REDACTED, url: 'http://x' }, Authorization: REDACTED } },
      list: [{ token: REDACTED }, { password: REDACTED, name: 'n' }],
    });
  });

  it('drops header maps entirely', () => {
    expect(redact({ request: { method: 'GET', headers: { 'x-custom': 'a' }, rawHeaders: ['a'] } })).toEqual({
      request: { method: 'GET' },
    });
  });

  it('masks credentials inside strings', () => {
    expect(redact('connect postgres://app:hunter2@db:5432/qh failed')).toBe(
      `connect postgres://app:${REDACTED}@db:5432/qh failed`,
    );
    expect(redact({ note: 'sent Bearer abc.def-123' })).toEqual({ note: `sent Bearer ${REDACTED}` });
  });

  it('turns errors into objects, keeping their own fields and cause, masking their secrets', () => {
    const cause = new Error('socket closed');
    const error = Object.assign(new Error('query failed', { cause }), { code: '57P01', token: 'x' });
    const out = redact({ error }) as { error: Record<string, unknown> };
    expect(out.error).toMatchObject({
      name: 'Error',
      message: 'query failed',
      code: '57P01',
      token: REDACTED,
    });
    expect(out.error.cause).toMatchObject({ message: 'socket closed' });
    expect(typeof out.error.stack).toBe('string');
  });

  it('survives cycles, bigints, dates and deep nesting', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 20; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    const out = redact({ cyclic, n: 10n, at: new Date(0), root }) as Record<string, unknown>;
    expect(out.cyclic).toEqual({ id: 1, self: '[circular]' });
    expect(out.n).toBe('10');
    expect(out.at).toBe('1970-01-01T00:00:00.000Z');
    expect(JSON.stringify(out.root)).toContain('[too deep]');
  });

  it('does not mistake a repeated (non-cyclic) object for a cycle', () => {
    const shared = { a: 1 };
    expect(redact({ x: shared, y: shared })).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });
});
