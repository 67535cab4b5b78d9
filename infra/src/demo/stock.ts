import { CATALOGUE, type Department, type Tier } from './catalogue.ts';
import { type Random, seededRandom } from './random.ts';
import type { StockLine } from './site-body.ts';

/**
 * What kind of shelves a store has. Finer than a site format: a butcher and a fishmonger are
 * both `fresh_market`, but they should not sell the same things.
 */
export type Assortment =
  | 'supermarket'
  | 'convenience'
  | 'greengrocer'
  | 'butcher'
  | 'fishmonger'
  | 'deli'
  | 'bakery'
  | 'pharmacy'
  | 'bookstore'
  | 'cafe'
  | 'takeaway';

interface AssortmentProfile {
  departments: readonly Department[];
  /** Convenience stores carry staples and regulars only; the rest carry niche lines too. */
  tiers: readonly Tier[];
  /** How many SKUs a store of this kind lists, before clamping to what its departments hold. */
  size: readonly [min: number, max: number];
  /** Scales on-hand quantities: a supermarket's back room holds more than a bakery's. */
  depth: number;
}

const ALL_TIERS: readonly Tier[] = ['staple', 'regular', 'niche'];

export const ASSORTMENTS: Readonly<Record<Assortment, AssortmentProfile>> = {
  supermarket: {
    departments: [
      'dairy',
      'bread',
      'fruit',
      'vegetables',
      'meat',
      'fish',
      'deli',
      'pantry',
      'snacks',
      'drinks',
      'alcohol',
      'frozen',
      'food_to_go',
      'household',
      'personal_care',
      'baby',
      'pet',
      'health',
    ],
    tiers: ALL_TIERS,
    size: [240, 300],
    depth: 1,
  },
  convenience: {
    departments: [
      'dairy',
      'bread',
      'fruit',
      'vegetables',
      'meat',
      'pantry',
      'snacks',
      'drinks',
      'alcohol',
      'frozen',
      'food_to_go',
      'household',
      'personal_care',
      'baby',
      'pet',
      'health',
    ],
    tiers: ['staple', 'regular'],
    size: [90, 170],
    depth: 0.5,
  },
  greengrocer: { departments: ['fruit', 'vegetables'], tiers: ALL_TIERS, size: [40, 75], depth: 0.5 },
  butcher: { departments: ['meat', 'deli'], tiers: ALL_TIERS, size: [40, 60], depth: 0.4 },
  fishmonger: { departments: ['fish', 'deli'], tiers: ALL_TIERS, size: [40, 55], depth: 0.4 },
  deli: { departments: ['deli', 'dairy', 'bread', 'pantry'], tiers: ALL_TIERS, size: [50, 90], depth: 0.35 },
  bakery: { departments: ['bakery_counter', 'bread'], tiers: ALL_TIERS, size: [40, 60], depth: 0.4 },
  pharmacy: {
    departments: ['health', 'personal_care', 'baby'],
    tiers: ALL_TIERS,
    size: [50, 80],
    depth: 0.4,
  },
  bookstore: { departments: ['books', 'stationery'], tiers: ALL_TIERS, size: [40, 120], depth: 0.15 },
  cafe: { departments: ['cafe_menu', 'bakery_counter'], tiers: ALL_TIERS, size: [40, 60], depth: 0.3 },
  takeaway: {
    departments: ['takeaway_menu', 'food_to_go', 'drinks'],
    tiers: ALL_TIERS,
    size: [40, 60],
    depth: 0.3,
  },
};

/** Staples are asked for most, so they are nearly always there and in depth. */
const TIER_STOCK: Readonly<Record<Tier, { zeroChance: number; onHand: [number, number]; weight: number }>> = {
  staple: { zeroChance: 0.02, onHand: [60, 200], weight: 0 },
  regular: { zeroChance: 0.06, onHand: [10, 80], weight: 3 },
  niche: { zeroChance: 0.12, onHand: [1, 25], weight: 1 },
};

interface Candidate {
  sku: string;
  tier: Tier;
}

/**
 * The stock of one store: every staple of its assortments, then regular and niche lines drawn
 * (regulars three times as likely) until the store's size is reached, each with an on-hand
 * quantity from 0 to 200. The same seed and site id always give the same lines.
 */
export function stockFor(siteId: string, assortments: readonly Assortment[], seed: string): StockLine[] {
  if (assortments.length === 0) return [];
  const profiles = assortments.map((name) => ASSORTMENTS[name]);
  const candidates = candidatesOf(profiles);
  const random = seededRandom(`${seed}:stock:${siteId}`);

  const staples = candidates.filter((item) => item.tier === 'staple');
  const others = candidates.filter((item) => item.tier !== 'staple');
  const [min, max] = sizeOf(profiles);
  const size = Math.max(staples.length, Math.min(random.int(min, max), candidates.length));

  // Weighted sampling without replacement (Efraimidis–Spirakis): highest u^(1/w) wins.
  const drawn = others
    .map((item) => ({ item, key: random.next() ** (1 / TIER_STOCK[item.tier].weight) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, size - staples.length);
  const listed = new Set([...staples, ...drawn.map(({ item }) => item)]);

  const depth = Math.max(...profiles.map((profile) => profile.depth));
  return candidates
    .filter((item) => listed.has(item))
    .map((item) => ({ sku: item.sku, onHand: onHandFor(item.tier, depth, random) }));
}

/** Every SKU a store with these assortments may list, in catalogue order, each once. */
function candidatesOf(profiles: readonly AssortmentProfile[]): Candidate[] {
  const bySku = new Map<string, Candidate>();
  for (const profile of profiles) {
    for (const department of profile.departments) {
      for (const tier of profile.tiers) {
        for (const sku of CATALOGUE[department][tier]) {
          if (!bySku.has(sku)) bySku.set(sku, { sku, tier });
        }
      }
    }
  }
  return [...bySku.values()];
}

/** A store with several assortments (a deli that is also a café) is as big as its biggest. */
function sizeOf(profiles: readonly AssortmentProfile[]): [number, number] {
  return [Math.max(...profiles.map((p) => p.size[0])), Math.max(...profiles.map((p) => p.size[1]))];
}

function onHandFor(tier: Tier, depth: number, random: Random): number {
  const { zeroChance, onHand } = TIER_STOCK[tier];
  if (random.chance(zeroChance)) return 0;
  return Math.max(1, Math.round(random.int(onHand[0], onHand[1]) * depth));
}
