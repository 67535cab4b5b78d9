import { createHmac } from 'node:crypto';
import { secretKey } from './secret.ts';

/** What one delivery attempt sends besides the body (Standard Webhooks headers). */
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Signs a message as the Standard Webhooks specification says: HMAC-SHA256, keyed with
 * the decoded secret, over `<id>.<timestamp>.<raw body>`, sent as `v1,<base64>`. The
 * timestamp is that of the attempt, so every retry carries a fresh signature.
 */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): SignedHeaders {
  const key = secretKey(secret);
  if (!key) throw new Error(`webhook secret of message ${id} is not a valid whsec_ secret`);
  const timestamp = String(timestampSeconds);
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}
