/**
 * Every error code of the API, with its HTTP status, in one place (API.md "Errors").
 * Expected business outcomes such as `unroutable` are results first; they become
 * errors only at the HTTP edge.
 */
export const ERROR_STATUS = {
  malformed_json: 400,
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unroutable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface Issue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      issues?: Issue[];
      retryAfterSeconds?: number;
      /** Extra top-level fields of the error object, e.g. `reason` for unroutable. */
      extra?: Record<string, unknown>;
      /** Siblings of `error` in the body, e.g. the kept `order` of an unroutable order. */
      body?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const invalid = (issues: Issue[], message = 'the request is not valid') =>
  new AppError('invalid_request', message, { issues });
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'this key may not do that') => new AppError('forbidden', message);
export const conflict = (message: string, issues?: Issue[]) =>
  new AppError('conflict', message, issues ? { issues } : {});
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new AppError('unavailable', message, { retryAfterSeconds });

/** Zod issue paths ("items", 0, "quantity") as API.md's dotted form: `items.0.quantity`. */
export function issuePath(path: readonly PropertyKey[], prefix: readonly PropertyKey[] = []): string {
  return [...prefix, ...path].map(String).join('.');
}
