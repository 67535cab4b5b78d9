import { describe, expect, it } from 'vitest';
import { isChain } from './chains.ts';
import { type MappedRow, mapOsmRow, type OsmRow, siteIdFor } from './osm.ts';
import type { SiteBody } from './site-body.ts';

function row(tags: Record<string, string>): OsmRow {
  return { id: 'node/21306881', latitude: '55.9377371', longitude: '-3.2029994', ...tags };
}

function siteOf(mapped: MappedRow): SiteBody {
  if (!mapped.ok) throw new Error(`expected a site, row was skipped as ${mapped.reason}`);
  return mapped.site;
}

describe('mapOsmRow', () => {
  it('maps a chain convenience store to an auto-accepting store', () => {
    const mapped = mapOsmRow(
      row({ shop: 'convenience', name: 'Tesco Express', opening_hours: 'Mo-Su 06:00-23:00' }),
    );
    expect(mapped).toEqual({
      ok: true,
      site: {
        id: 'osm-node-21306881',
        name: 'Tesco Express',
        kind: 'store',
        formats: ['convenience'],
        chain: true,
        location: { lat: 55.9377371, lng: -3.2029994 },
        timezone: 'Europe/London',
        openingHours: [{ days: [1, 2, 3, 4, 5, 6, 0], open: '06:00', close: '23:00' }],
        capacity: 40,
        acceptance: { mode: 'auto' },
        services: [],
      },
      assortments: ['convenience'],
      hoursSource: 'osm',
    });
  });

  it('gives an independent shop manual acceptance with the 90 s timeout', () => {
    const site = siteOf(mapOsmRow(row({ shop: 'greengrocer', name: "Tattie Shaw's" })));
    expect(site.chain).toBe(false);
    expect(site.acceptance).toEqual({ mode: 'manual', timeoutSeconds: 90 });
    expect(site.formats).toEqual(['fruit', 'fresh_market']);
  });

  it('makes the supermarket the biggest store', () => {
    const supermarket = siteOf(mapOsmRow(row({ shop: 'supermarket', name: 'Lidl' })));
    const corner = siteOf(mapOsmRow(row({ shop: 'convenience', name: 'Corner Shop' })));
    expect(supermarket.capacity).toBeGreaterThan(corner.capacity);
  });

  it.each([
    ['newsagent', ['convenience']],
    ['kiosk', ['convenience']],
    ['bakery', ['bakery']],
    ['butcher', ['fresh_market']],
    ['seafood', ['fresh_market']],
    ['deli', ['fresh_market']],
    ['chemist', ['pharmacy']],
    ['books', ['bookstore']],
  ])('maps shop=%s to a store of %j', (shop, formats) => {
    const site = siteOf(mapOsmRow(row({ shop, name: 'A shop' })));
    expect(site.kind).toBe('store');
    expect(site.formats).toEqual(formats);
    expect(site.services).toEqual([]);
  });

  it.each([
    [{ shop: 'hairdresser' }, ['barber'], ['haircut']],
    [{ shop: 'beauty' }, ['barber'], ['beauty_treatment']],
    [{ shop: 'dry_cleaning' }, ['laundry'], ['dry_cleaning', 'laundry']],
    [{ shop: 'laundry' }, ['laundry'], ['laundry', 'dry_cleaning']],
    [{ shop: 'tailor' }, ['tailoring'], ['alterations', 'tailoring']],
    [{ shop: 'bicycle' }, ['repair'], ['bicycle_repair']],
    [{ shop: 'car_repair' }, ['repair'], ['car_repair']],
    [{ shop: 'mobile_phone' }, ['repair'], ['phone_repair']],
    [{ shop: 'computer;mobile_phone' }, ['repair'], ['computer_repair', 'phone_repair']],
    [{ shop: 'craft', craft: 'key_cutter' }, ['repair'], ['key_cutting']],
    [{ shop: 'yes', craft: 'shoemaker' }, ['repair'], ['shoe_repair']],
    [{ shop: 'trade', craft: 'plumber' }, ['repair'], ['plumbing']],
    [{ shop: 'electronics', craft: 'electronics_repair' }, ['repair'], ['appliance_repair']],
    [{ shop: 'parcel' }, ['parcel_station'], ['parcel_dropoff', 'parcel_collection']],
  ])('maps %j to a provider of %j offering %j', (tags, formats, services) => {
    const site = siteOf(mapOsmRow(row({ ...tags, name: 'A provider' })));
    expect(site.kind).toBe('provider');
    expect(site.formats).toEqual(formats);
    expect(site.services).toEqual(services);
  });

  it('unites the formats of all tags: a deli that is also a café', () => {
    const mapped = mapOsmRow(row({ shop: 'deli', amenity: 'cafe', name: 'Henri' }));
    expect(siteOf(mapped).formats).toEqual(['fresh_market', 'breakfast']);
    expect(mapped.ok && mapped.assortments).toEqual(['deli', 'cafe']);
  });

  it('keeps a store a store when it also has a provider format, without services', () => {
    const site = siteOf(
      mapOsmRow(row({ shop: 'newsagent', amenity: 'post_office', name: 'Bruntsfield News' })),
    );
    expect(site.kind).toBe('store');
    expect(site.formats).toEqual(['convenience', 'parcel_station']);
    expect(site.services).toEqual([]);
  });

  it('unites the services of a provider with two trades', () => {
    const site = siteOf(
      mapOsmRow(row({ shop: 'dry_cleaning', craft: 'seamstress', name: 'Rose MacDonald' })),
    );
    expect(site.formats).toEqual(['laundry', 'tailoring']);
    expect(site.services).toEqual(['dry_cleaning', 'laundry', 'alterations']);
  });

  it('reads repair hints on shops that otherwise sell', () => {
    expect(
      siteOf(mapOsmRow(row({ shop: 'car', service: 'repair', name: 'Hermiston Motor Company' }))),
    ).toMatchObject({ kind: 'provider', formats: ['repair'], services: ['car_repair'] });
    expect(
      siteOf(mapOsmRow(row({ shop: 'computer', repair: 'yes', name: 'PC Repair Man' }))).services,
    ).toEqual(['computer_repair']);
    expect(
      siteOf(mapOsmRow(row({ shop: 'bicycle', 'service:bicycle:repair': 'yes', name: 'Just Bike Repairs' })))
        .services,
    ).toEqual(['bicycle_repair']);
    expect(siteOf(mapOsmRow(row({ shop: 'clothes', 'tailor:alteration_service': 'yes' }))).services).toEqual([
      'alterations',
    ]);
  });

  it('skips shops that map to no format, naming their tags', () => {
    expect(mapOsmRow(row({ shop: 'clothes', name: 'New Look' }))).toEqual({
      ok: false,
      reason: 'unmapped',
      tags: ['shop=clothes'],
    });
    expect(mapOsmRow(row({ shop: 'alcohol', name: 'Royal Mile Whiskies' }))).toMatchObject({
      reason: 'unmapped',
    });
    expect(mapOsmRow(row({ shop: 'vacant' }))).toMatchObject({ reason: 'unmapped' });
  });

  it('skips rows without a usable position or id', () => {
    expect(mapOsmRow(row({ shop: 'bakery', latitude: '' }))).toMatchObject({ reason: 'bad_location' });
    expect(mapOsmRow(row({ shop: 'bakery', longitude: '200' }))).toMatchObject({ reason: 'bad_location' });
    expect(mapOsmRow(row({ shop: 'bakery', id: 'node/1 2' }))).toMatchObject({ reason: 'bad_id' });
  });

  it('names a shop by its brand, then by what it is', () => {
    expect(siteOf(mapOsmRow(row({ shop: 'convenience', brand: 'Premier;Booker' }))).name).toBe('Premier');
    expect(siteOf(mapOsmRow(row({ shop: 'dry_cleaning' }))).name).toBe(
      'Unnamed dry cleaning (node/21306881)',
    );
    expect(siteOf(mapOsmRow(row({ shop: 'yes', craft: 'key_cutter' }))).name).toBe(
      'Unnamed key cutter (node/21306881)',
    );
  });

  it('uses the typical hours of the first format when the tag is missing or unreadable', () => {
    const missing = mapOsmRow(row({ shop: 'hairdresser', name: 'Hair' }));
    expect(missing).toMatchObject({
      hoursSource: 'missing',
      site: { openingHours: [{ days: [2, 3, 4, 5, 6], open: '09:00', close: '17:30' }] },
    });
    const unreadable = mapOsmRow(
      row({ shop: 'hairdresser', name: 'Hair', opening_hours: '9-5pm, Monday-Saturday' }),
    );
    expect(unreadable).toMatchObject({ hoursSource: 'unparseable' });
    expect(unreadable.ok && unreadable.site.openingHours).toEqual(missing.ok && missing.site.openingHours);
  });

  it('treats hours that never open as unreadable', () => {
    expect(mapOsmRow(row({ shop: 'bakery', name: 'B', opening_hours: 'off' }))).toMatchObject({
      hoursSource: 'unparseable',
    });
  });
});

describe('siteIdFor', () => {
  it('derives API site ids from OSM ids', () => {
    expect(siteIdFor('node/21306881')).toBe('osm-node-21306881');
    expect(siteIdFor('way/4')).toBe('osm-way-4');
    expect(siteIdFor('node/123 456')).toBeUndefined();
    expect(siteIdFor(`node/${'9'.repeat(60)}`)).toBeUndefined();
  });
});

describe('isChain', () => {
  it('trusts a brand unless it says independent', () => {
    expect(isChain('Carrick Knowe Licensed Grocers', 'Premier')).toBe(true);
    expect(isChain('Corner Shop', 'independent')).toBe(false);
  });

  it.each([
    "Sainsbury's Local",
    'Sainsburys Local',
    'Co-Op',
    'The Co-operative Food',
    'Scotmid Leith Walk',
    'SPAR',
    'M&S Simply Food',
    'Costcutter: Bellevue Express',
    'best-one',
    'Premier',
    'Boots',
    "Gregg's",
    'Johnsons The Cleaners',
  ])('recognises %s', (name) => {
    expect(isChain(name, '')).toBe(true);
  });

  it.each([
    'Sparkle',
    'Edinburgh Bicycle Co-operative',
    'Three Bridges Sandwich Bar',
    "Morrison's Bakery",
    'Premier Laundrette and Linen Services',
    'Bootsmith',
    '',
  ])('does not take %j for a chain', (name) => {
    expect(isChain(name, '')).toBe(false);
  });
});
