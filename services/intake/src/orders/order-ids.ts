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

/** JSON with object keys sorted by code unit and undefined members left out; plain loops, as it runs per order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `<` does.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}
