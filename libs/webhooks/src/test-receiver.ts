import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP receiver on 127.0.0.1, the outside peer of delivery tests, and a signature
 * check written from the Standard Webhooks specification alone, not from this library's signer.
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered; 0 when it left the request unanswered. */
  answered: number;
}

/** Decides the answer to a request; a `null` status leaves it unanswered (the sender times out). */
export type Responder = (request: Omit<ReceivedRequest, 'answered'>) => number | null;

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, with what it was answered. */
  readonly requests: ReceivedRequest[];
  /** Requests that got a 2xx. */
  accepted(): ReceivedRequest[];
  respondWith(responder: Responder): void;
  /** Resolves once `predicate` holds for the requests so far (checked on each arrival). */
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(responder: Responder = () => 204): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let respond = responder;
  const waiters = new Set<{ predicate: (r: ReceivedRequest[]) => boolean; resolve: () => void }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const status = respond(seen);
      requests.push({ ...seen, answered: status ?? 0 });
      if (status !== null) {
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      }
      for (const waiter of waiters) {
        if (waiter.predicate(requests)) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    accepted: () => requests.filter((r) => r.answered >= 200 && r.answered < 300),
    respondWith(next) {
      respond = next;
    },
    waitFor(predicate) {
      if (predicate(requests)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Verifies a request as a Standard Webhooks receiver would: the key is the base64 after
 * `whsec_`; the signed content is `<webhook-id>.<webhook-timestamp>.<body>`; the header
 * holds space-separated `v1,<base64 HMAC-SHA256>` entries, any of which may match; the
 * timestamp must be within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, encoded] = entry.split(',');
    if (version !== 'v1' || !encoded) return false;
    const given = Buffer.from(encoded, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
