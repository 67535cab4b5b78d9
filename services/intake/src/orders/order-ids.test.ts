import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, newOrderId, requestHash } from './order-ids.ts';

describe('requestHash', () => {
  const body = {
    externalId: 'ext-1',
    priority: 'standard',
    customer: { lng: 121.47, lat: 31.23 },
    items: [
      { sku: 'milk-1l', quantity: 2 },
      { quantity: 1, sku: 'eggs-12' },
    ],
    parcel: undefined,
  };

  it('hashes the canonical form: keys sorted by code unit, undefined members left out', () => {
    // Stored hashes depend on this exact text: changing it turns old replays into 409s.
    const canonical =
      '{"customer":{"lat":31.23,"lng":121.47},"externalId":"ext-1",' +
      '"items":[{"quantity":2,"sku":"milk-1l"},{"quantity":1,"sku":"eggs-12"}],"priority":"standard"}';
    expect(canonicalJson(body)).toBe(canonical);
    expect(requestHash(body)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('does not depend on the order of keys, but does on the order of lines and on values', () => {
    const reordered = {
      items: body.items,
      customer: { lat: 31.23, lng: 121.47 },
      priority: 'standard',
      externalId: 'ext-1',
    };
    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash({ ...body, items: [...body.items].reverse() })).not.toBe(requestHash(body));
    expect(requestHash({ ...body, priority: 'elderly' })).not.toBe(requestHash(body));
    expect(canonicalJson({ b: [undefined, null], a: 'Z', A: 'z' })).toBe('{"A":"z","a":"Z","b":[null,null]}');
  });
});

describe('newOrderId', () => {
  it('is an order id that sorts by creation time', () => {
    const early = newOrderId(new Date('2026-01-01T00:00:00Z'));
    const late = newOrderId(new Date('2026-01-02T00:00:00Z'));
    expect(early).toMatch(/^ord_[a-z0-9]{23}$/);
    expect(early < late).toBe(true);
  });
});
