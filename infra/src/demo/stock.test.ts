import { describe, expect, it } from 'vitest';
import { CATALOGUE, type Tier } from './catalogue.ts';
import { ASSORTMENTS, type Assortment, stockFor } from './stock.ts';

const SKU = /^[A-Za-z0-9._:-]{1,64}$/;
const assortments = Object.keys(ASSORTMENTS) as Assortment[];
const tierOf = new Map<string, Tier>(
  Object.values(CATALOGUE).flatMap((items) =>
    (Object.keys(items) as Tier[]).flatMap((tier) => items[tier].map((sku) => [sku, tier] as const)),
  ),
);
const siteIds = Array.from({ length: 40 }, (_, i) => `osm-node-${1000 + i}`);

describe('the catalogue', () => {
  it('has valid, unique SKU ids', () => {
    const all = Object.values(CATALOGUE).flatMap((items) => [
      ...items.staple,
      ...items.regular,
      ...items.niche,
    ]);
    expect(all.filter((sku) => !SKU.test(sku))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('stockFor', () => {
  it('gives the same stock for the same seed and site, and other stock for another seed', () => {
    const first = stockFor('osm-node-1', ['supermarket'], 'seed-a');
    expect(stockFor('osm-node-1', ['supermarket'], 'seed-a')).toEqual(first);
    expect(stockFor('osm-node-1', ['supermarket'], 'seed-b')).not.toEqual(first);
    expect(stockFor('osm-node-2', ['supermarket'], 'seed-a')).not.toEqual(first);
  });

  it('gives providers, which have no assortment, no stock', () => {
    expect(stockFor('osm-node-1', [], 'seed')).toEqual([]);
  });

  it.each(assortments)('lists between the size bounds of a %s, 40 to 300 SKUs, each once', (assortment) => {
    const [min, max] = ASSORTMENTS[assortment].size;
    for (const siteId of siteIds) {
      const items = stockFor(siteId, [assortment], 'seed');
      expect(items.length).toBeGreaterThanOrEqual(Math.max(40, min));
      expect(items.length).toBeLessThanOrEqual(Math.min(300, max));
      expect(new Set(items.map((item) => item.sku)).size).toBe(items.length);
    }
  });

  it.each(assortments)('lists every staple of a %s', (assortment) => {
    const { departments, tiers } = ASSORTMENTS[assortment];
    const staples = tiers.includes('staple')
      ? departments.flatMap((department) => CATALOGUE[department].staple)
      : [];
    const listed = new Set(stockFor('osm-node-7', [assortment], 'seed').map((item) => item.sku));
    expect(staples.filter((sku) => !listed.has(sku))).toEqual([]);
  });

  it('keeps niche lines out of convenience stores', () => {
    for (const siteId of siteIds) {
      const tiers = stockFor(siteId, ['convenience'], 'seed').map((item) => tierOf.get(item.sku));
      expect(tiers).not.toContain('niche');
    }
  });

  it('makes supermarkets bigger than convenience stores', () => {
    const mean = (assortment: Assortment) =>
      siteIds.reduce((sum, id) => sum + stockFor(id, [assortment], 'seed').length, 0) / siteIds.length;
    expect(mean('supermarket')).toBeGreaterThan(mean('convenience'));
  });

  it('keeps quantities whole and within 0..200, with some lines out of stock and staples deeper', () => {
    const lines = siteIds.flatMap((id) => stockFor(id, ['supermarket'], 'seed'));
    expect(
      lines.every((line) => Number.isInteger(line.onHand) && line.onHand >= 0 && line.onHand <= 200),
    ).toBe(true);
    expect(lines.some((line) => line.onHand === 0)).toBe(true);
    const meanOf = (tier: Tier) => {
      const ofTier = lines.filter((line) => tierOf.get(line.sku) === tier);
      return ofTier.reduce((sum, line) => sum + line.onHand, 0) / ofTier.length;
    };
    expect(meanOf('staple')).toBeGreaterThan(meanOf('regular'));
    expect(meanOf('regular')).toBeGreaterThan(meanOf('niche'));
  });

  it('draws a store with two assortments from both', () => {
    const items = stockFor('osm-node-3', ['deli', 'cafe'], 'seed').map((item) => item.sku);
    expect(items).toContain('hummus-200g');
    expect(items).toContain('coffee-latte');
  });
});
