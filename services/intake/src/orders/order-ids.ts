import { createHash, randomBytes } from 'node:crypto';

/** Opaque to clients; time-ordered so that ids of one day sort together in indexes. */
export function newOrderId(now: Date): string {
  return `ord_${now.getTime().toString(36).padStart(9, '0')}${randomBytes(7).toString('hex')}`;
}

/**
 * The idempotency fingerprint of an order: the validated body with defaults applied, keys
 * in a fixed order, so `{}` and `{ "priority": "standard" }` count as the same request.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
