import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { hostOf, isPrivateAddress, publicOnlyLookup } from './address.ts';

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the request early, e.g. at shutdown. */
  signal?: AbortSignal | undefined;
}

/** How one POST went: a status when the receiver answered, else why it did not. */
export type PostResult = { ok: true; status: number } | { ok: false; status?: number; error: string };

/**
 * POSTs a body and reports the receiver's status; only a 2xx is a success. Redirects are
 * not followed (a 3xx is a failure): following one could lead to an address that was never
 * checked. The response body is read and dropped, never kept or logged.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const target = new URL(url);
  const host = hostOf(target);
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve({ ok: false, error: `refused: ${host} is not a public address` });
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(target, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'quarterhour-webhooks/1',
      },
      signal,
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    req.on('response', (res) => {
      res.resume();
      res.on('error', () => {});
      const status = res.statusCode ?? 0;
      resolve(
        status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` },
      );
    });
    req.on('error', (error) => {
      if (timeout.aborted) resolve({ ok: false, error: `no answer within ${options.timeoutMs} ms` });
      else if (signal.aborted) resolve({ ok: false, error: 'aborted (shutdown)' });
      else resolve({ ok: false, error: error.message });
    });
    req.end(body);
  });
}
