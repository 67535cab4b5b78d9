import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const MIN_BYTES = 24;
const MAX_BYTES = 64;
/** Secrets the service makes: 256 bits, within what a given secret may have. */
const GENERATED_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const SECRET_RULE = `must be ${PREFIX} followed by the base64 of ${MIN_BYTES} to ${MAX_BYTES} bytes`;

/** A new `whsec_` secret, returned to the caller once. */
export function generateSecret(): string {
  return PREFIX + randomBytes(GENERATED_BYTES).toString('base64');
}

/**
 * The HMAC key of a secret (Standard Webhooks: the base64-decoded part after `whsec_`),
 * or null when the secret is not `whsec_` + standard base64 of 24 to 64 bytes.
 */
export function secretKey(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder skips what it cannot read; the round trip says every character counted.
  if (key.toString('base64') !== encoded) return null;
  return key.length >= MIN_BYTES && key.length <= MAX_BYTES ? key : null;
}
