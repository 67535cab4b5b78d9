import { describe, expect, it } from 'vitest';
import { siteCreate, sitePatch } from './sites.ts';
import { stockAdjust, stockQuery, stockSet } from './stock.ts';

const base = {
  id: 's-1',
  name: 'Corner',
  kind: 'store',
  formats: ['convenience'],
  location: { lat: 1, lng: 2 },
};

function paths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return result.error?.issues.map((issue) => issue.path.join('.')).sort() ?? [];
}

describe('siteCreate', () => {
  it('fills the defaults of API.md', () => {
    expect(siteCreate.parse(base)).toMatchObject({
      chain: false,
      timezone: 'Asia/Shanghai',
      openingHours: null,
      capacity: 50,
      acceptance: { mode: 'manual', timeoutSeconds: 90 },
      services: [],
      status: 'open',
    });
  });

  it('accepts hours past midnight, 24:00 and whole days', () => {
    const hours = [
      { days: [5, 6], open: '18:00', close: '02:00' },
      { days: [1], open: '07:00', close: '24:00' },
      { days: [0], open: '00:00', close: '00:00' },
    ];
    expect(siteCreate.parse({ ...base, openingHours: hours }).openingHours).toEqual(hours);
  });

  it('names each bad field', () => {
    const result = siteCreate.safeParse({
      ...base,
      id: 'x'.repeat(65),
      formats: [],
      timezone: 'Mars/Olympus',
      openingHours: [{ days: [1, 1], open: '7:00', close: '24:01' }],
      capacity: 0,
      acceptance: { mode: 'sometimes', timeoutSeconds: 3601 },
    });
    expect(paths(result)).toEqual(
      [
        'acceptance.mode',
        'acceptance.timeoutSeconds',
        'capacity',
        'formats',
        'id',
        'openingHours.0.close',
        'openingHours.0.days',
        'openingHours.0.open',
        'timezone',
      ].sort(),
    );
  });

  it('refuses non-finite coordinates and a provider without services', () => {
    expect(paths(siteCreate.safeParse({ ...base, location: { lat: Number.NaN, lng: Infinity } }))).toEqual([
      'location.lat',
      'location.lng',
    ]);
    expect(paths(siteCreate.safeParse({ ...base, kind: 'provider' }))).toEqual(['services']);
    expect(siteCreate.safeParse({ ...base, kind: 'provider', services: ['key_cutting'] }).success).toBe(true);
  });

  it('lets a patch name only some fields', () => {
    expect(sitePatch.parse({ status: 'paused' })).toEqual({ status: 'paused' });
    expect(paths(sitePatch.safeParse({ status: 'closed' }))).toEqual(['status']);
  });
});

describe('stock bodies', () => {
  it('refuses a repeated SKU, naming the repeat', () => {
    const result = stockSet.safeParse({
      items: [
        { sku: 'a', onHand: 1 },
        { sku: 'a', onHand: 2 },
      ],
    });
    expect(paths(result)).toEqual(['items.1.sku']);
  });

  it('bounds quantities and deltas', () => {
    expect(paths(stockSet.safeParse({ items: [{ sku: 'a', onHand: 1_000_001 }] }))).toEqual([
      'items.0.onHand',
    ]);
    expect(paths(stockAdjust.safeParse({ items: [{ sku: 'a', delta: 0 }] }))).toEqual(['items.0.delta']);
  });

  it('splits ?sku=a,b', () => {
    expect(stockQuery.parse({ sku: 'milk-1l,bread:wh' })).toEqual({ sku: ['milk-1l', 'bread:wh'] });
    expect(stockQuery.parse({})).toEqual({ sku: undefined });
  });
});
