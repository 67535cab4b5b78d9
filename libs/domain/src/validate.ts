import type { z } from 'zod';
import { AppError, issuePath } from './errors.ts';

/**
 * Parses input at the edge. A failure is a 400 `invalid_request` naming each field by
 * its dotted path; `where` only changes the message ("the query is not valid").
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where?: 'query' | 'path',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError(
    'invalid_request',
    where ? `the ${where} is not valid` : 'the request body is not valid',
    {
      issues: result.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })),
    },
  );
}

/** API.md: a body must be a JSON object; null, an array or a number is 400. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be a JSON object', {
      issues: [{ path: '', message: 'must be a JSON object' }],
    });
  }
  return body as Record<string, unknown>;
}
