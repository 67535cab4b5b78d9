/**
 * The few HTTP calls the seeder makes, with the ops key, against the public API. Answers are
 * returned whatever their status so the caller can treat an expected 409 as a branch; a
 * refusal it cannot handle becomes an `ApiRefusal` carrying the status and the body.
 */

export class ApiRefusal extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.length > 2000 ? `${body.slice(0, 2000)}…` : body}`);
    this.name = 'ApiRefusal';
  }
}

/** Nothing answered at the base URL: the stack is not running, or runs elsewhere. */
export class ApiUnreachable extends Error {
  constructor(origin: string, reason: string, options: { cause: unknown }) {
    super(`cannot reach ${origin} (${reason}); is the stack running?`, options);
    this.name = 'ApiUnreachable';
  }
}

export interface ApiAnswer {
  status: number;
  body: string;
}

export interface ApiClient {
  send(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown): Promise<ApiAnswer>;
}

/** 429 and 503 say "try again later" (API.md sets Retry-After); anything else is final. */
const RETRIED_STATUSES = new Set([429, 503]);
const MAX_ATTEMPTS = 5;
const MAX_RETRY_WAIT_MS = 10_000;

export function apiClient(options: { baseUrl: string; opsKey: string }): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    async send(method, path, body) {
      for (let attempt = 1; ; attempt += 1) {
        const response = await fetchOrExplain(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${options.opsKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (!RETRIED_STATUSES.has(response.status) || attempt === MAX_ATTEMPTS) {
          return { status: response.status, body: text };
        }
        await sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
      }
    },
  };
}

/** Throws `ApiRefusal` unless the answer has one of the expected statuses. */
export function expectStatus(
  answer: ApiAnswer,
  method: string,
  path: string,
  ...expected: number[]
): ApiAnswer {
  if (!expected.includes(answer.status)) throw new ApiRefusal(method, path, answer.status, answer.body);
  return answer;
}

async function fetchOrExplain(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    // fetch hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`; say it plainly.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ApiUnreachable(new URL(url).origin, reason, { cause: error });
  }
}

function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 250 * 2 ** attempt;
  return Math.min(ms, MAX_RETRY_WAIT_MS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
