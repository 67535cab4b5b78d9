import { describe, expect, it } from 'vitest';
import { generateSecret, secretKey } from './secret.ts';
import { signWebhook } from './signature.ts';
import { verifyWebhookSignature } from './test-receiver.ts';

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks reference vector', () => {
    // Published with the specification's reference libraries: a receiver's library accepts what matches it.
    const headers = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs what an independent verifier accepts, and nothing else', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ type: 'order.accepted', orderId: 'ord_1' });
    const headers = signWebhook(secret, 'msg_1', 1_700_000_000, body);
    expect(verifyWebhookSignature(secret, headers, body, 1_700_000_010)).toBe(true);
    expect(verifyWebhookSignature(secret, headers, `${body} `, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(generateSecret(), headers, body, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': 'msg_2' }, body, 1_700_000_010)).toBe(
      false,
    );
    // A replay outside the tolerance is refused even with a valid signature.
    expect(verifyWebhookSignature(secret, headers, body, 1_700_000_000 + 301)).toBe(false);
  });

  it('refuses to sign with an invalid secret', () => {
    expect(() => signWebhook('whsec_short', 'msg_1', 1, '{}')).toThrowError(/not a valid whsec_ secret/);
  });
});

describe('secrets', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(secret)?.length).toBe(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('accepts whsec_ + base64 of 24 to 64 bytes only', () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
    expect(secretKey(of(24))?.length).toBe(24);
    expect(secretKey(of(64))?.length).toBe(64);
    expect(secretKey(of(23))).toBeNull();
    expect(secretKey(of(65))).toBeNull();
    expect(secretKey(of(32).slice('whsec_'.length))).toBeNull(); // no prefix
    expect(secretKey(`whsec_${'A'.repeat(31)}!`)).toBeNull(); // not base64
    expect(secretKey(`whsec_${Buffer.alloc(32, 7).toString('base64url')}_`)).toBeNull(); // base64url
    expect(secretKey(`whsec_${Buffer.alloc(32, 7).toString('base64').replace(/=$/, '')}`)).toBeNull(); // unpadded
    expect(secretKey(`whsec_ ${Buffer.alloc(32, 7).toString('base64')}`)).toBeNull();
  });
});
