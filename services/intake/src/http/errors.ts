import { AppError } from '@quarterhour/domain';

const POSTGRES_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now
  '53300', // too many connections
]);

/** True when an error means PostgreSQL or Redis is out of reach, not that we did wrong. */
export function isDependencyDown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (POSTGRES_DOWN.has(code) || code.startsWith('08'))) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|connect ETIMEDOUT/.test(error.message);
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Turns any error into the API's error (API.md "Errors"); unknown errors become 500. */
export function toHttpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const parser = error as BodyParserError;
  switch (parser?.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'the body is not valid JSON');
    case 'entity.too.large':
      return new AppError('payload_too_large', `the body is over the limit of ${parser.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'the body must be UTF-8 JSON');
    case 'request.aborted':
      return new AppError('invalid_request', 'the request was aborted');
  }
  if (isDependencyDown(error)) {
    return new AppError('unavailable', 'a dependency is unavailable; nothing was changed, try again', {
      retryAfterSeconds: 1,
    });
  }
  return new AppError('internal', 'internal error');
}

export function errorBody(error: AppError): Record<string, unknown> {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details.extra ?? {}),
      ...(error.details.issues ? { issues: error.details.issues } : {}),
    },
    ...(error.details.body ?? {}),
  };
}
