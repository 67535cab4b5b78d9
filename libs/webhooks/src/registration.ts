import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { hostOf, isPrivateAddress } from './address.ts';
import { SECRET_RULE, secretKey } from './secret.ts';

export const MAX_URL_LENGTH = 2048;
const DNS_TIMEOUT_MS = 3000;

/** The body of `POST /v1/webhooks`; the URL's host is checked afterwards (`checkWebhookHost`). */
export const webhookCreate = z.object({
  url: z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  secret: z
    .string()
    .refine((value) => secretKey(value) !== null, SECRET_RULE)
    .optional(),
});
export type WebhookCreate = z.output<typeof webhookCreate>;

function urlProblem(value: string): string | null {
  if (value.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (!URL.canParse(value)) return 'must be an absolute http or https URL';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  // They would be shown by GET /v1/webhooks; receivers authenticate us by the signature.
  if (url.username || url.password) return 'must not contain a user name or password';
  return null;
}

export type HostCheck =
  | { ok: true }
  | { ok: false; reason: 'private' | 'unresolvable' | 'dns_unavailable'; message: string };

export interface HostCheckOptions {
  allowPrivate: boolean;
  /** Every address of a name; tests pass their own. */
  resolve?: (host: string) => Promise<string[]>;
}

/**
 * Whether a webhook URL's host is a public address: an address literal is checked as is,
 * a name by every address it resolves to (one private address is enough to refuse).
 * Expected refusals are results; only the caller knows how to answer them.
 */
export async function checkWebhookHost(url: URL, options: HostCheckOptions): Promise<HostCheck> {
  if (options.allowPrivate) return { ok: true };
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await withTimeout((options.resolve ?? resolveAll)(host), DNS_TIMEOUT_MS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        return { ok: false, reason: 'unresolvable', message: `host ${host} does not resolve` };
      }
      return { ok: false, reason: 'dns_unavailable', message: `host ${host} could not be resolved now` };
    }
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined) {
    return {
      ok: false,
      reason: 'private',
      message: `must not resolve to a loopback, private, link-local or unspecified address (${host} is ${refused})`,
    };
  }
  return { ok: true };
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
