/**
 * Makes any value safe to write to a log line: secrets masked, request headers dropped,
 * errors turned into plain objects, cycles and deep nesting cut. Logs leave the process
 * (files, collectors, support tickets), so nothing that grants access may reach them.
 */

/** A field whose name says it holds a credential. `key` also catches apiKey, keyHash, x-api-key. */
const SECRET_NAME = /key|secret|token|password|passwd|authorization|cookie|credential/i;
/** Whole header maps are dropped rather than masked one by one: new auth headers appear all the time. */
const DROPPED_NAMES = new Set(['headers', 'rawHeaders', 'trailers', 'rawTrailers']);
/** user:password@ inside URLs, e.g. a DATABASE_URL quoted in an error message. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/@]+@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const MAX_DEPTH = 8;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactString(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(BEARER, `$1 ${REDACTED}`);
}

export function redact(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    if (value instanceof Map) return walkEntries(value.entries(), depth, seen);
    if (value instanceof Set) return [...value].map((item) => walk(item, depth + 1, seen));
    if (value instanceof Error) return walkError(value, depth, seen);
    return walkEntries(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

function walkEntries(
  entries: Iterable<[unknown, unknown]>,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawName, item] of entries) {
    const name = String(rawName);
    if (DROPPED_NAMES.has(name)) continue;
    if (isSecretName(name)) {
      out[name] = REDACTED;
      continue;
    }
    const clean = walk(item, depth + 1, seen);
    if (clean !== undefined) out[name] = clean;
  }
  return out;
}

/** Errors keep name, message, stack and their own fields (code, detail...), with `cause` followed. */
function walkError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: error.name,
    message: redactString(error.message),
  };
  if (error.stack) out.stack = redactString(error.stack);
  Object.assign(out, walkEntries(Object.entries(error), depth, seen));
  if (error.cause !== undefined) out.cause = walk(error.cause, depth + 1, seen);
  return out;
}
