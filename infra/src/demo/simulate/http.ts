/**
 * The simulation's HTTP: global fetch with a key, answers returned whatever their status. A refusal
 * the caller did not expect is logged as one line and handed back; nothing here throws, so the
 * loops go on whatever the stack answers (a 409 from a race is an ordinary answer).
 */

export interface Answer {
  status: number;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: unknown;
  retryAfterSeconds?: number;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface CallOptions {
  body?: unknown;
  /** Statuses that are part of the plan; others are logged. 2xx always is. */
  expect?: readonly number[];
}

/** One line per kind of refusal (method, path shape, status) per this long at most. */
const LOG_EVERY_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

export class SimHttp {
  /** Answers outside 2xx that were not expected, and network failures. */
  errors = 0;
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly baseUrl: string,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {}

  /** undefined when nothing answered (the stack stopping, or the simulation told to stop). */
  async call(
    method: Method,
    path: string,
    key: string,
    options: CallOptions = {},
  ): Promise<Answer | undefined> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      const text = await response.text();
      const answer: Answer = { status: response.status, body: parse(text) };
      const retryAfter = Number(response.headers.get('retry-after'));
      if (retryAfter > 0) answer.retryAfterSeconds = retryAfter;
      const ok = response.status < 300 || options.expect?.includes(response.status);
      if (!ok) this.refused(method, path, `${response.status} ${describe(answer.body, text)}`);
      return answer;
    } catch (error) {
      if (!this.signal.aborted) this.refused(method, path, describeFailure(error));
      return undefined;
    }
  }

  private refused(method: string, path: string, what: string): void {
    this.errors += 1;
    // Ids vary per order; the kind of request is what a reader needs once in a while.
    const shape = `${method} ${path.replace(/ord_[a-z0-9]+/g, ':id').replace(/\?.*$/, '')} ${what.slice(0, 3)}`;
    const now = Date.now();
    if (now - (this.lastLogged.get(shape) ?? 0) < LOG_EVERY_MS) return;
    this.lastLogged.set(shape, now);
    this.log(`${method} ${path} → ${what}`);
  }
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** API.md errors carry `{ error: { code, message } }`; say those, else the start of the body. */
function describe(body: unknown, text: string): string {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error?.code) return `${error.code}: ${error.message ?? ''}`.slice(0, 200);
  return text.slice(0, 200);
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return `no answer (${cause?.code ?? (error as Error).name ?? 'error'})`;
}
