import type { OpeningWindow, SiteFormat } from '@quarterhour/domain';
import type { Point } from '@quarterhour/geo';
import { drawOpeningHours } from './city-hours.ts';
import { type Random, seededRandom, ZipfSampler, zipfWeight } from './random.ts';

/** What shapes a generated city. `BENCH_CITY` is the one the benchmarks measure. */
export interface CityOptions {
  seed: string;
  centre: Point;
  /** Side of the square the city fills, in kilometres. */
  sizeKm: number;
  stores: number;
  /** Dense neighbourhoods; the rest of the stores are a sparse background. */
  clusters: number;
  /** Share of stores (and of customers) that belong to a cluster. */
  clusteredShare: number;
  skus: number;
  /** Mean number of SKUs a store stocks. */
  skusPerStore: number;
  orders: number;
  /** Share of stores paused by their owners. */
  pausedShare: number;
}

export const BENCH_CITY: CityOptions = {
  seed: 'quarterhour-bench-1',
  centre: { lat: 31.23, lng: 121.47 },
  sizeKm: 30,
  stores: 20_000,
  clusters: 80,
  clusteredShare: 0.75,
  skus: 2_000,
  skusPerStore: 300,
  orders: 100_000,
  pausedShare: 0.04,
};

/** Every store's on-hand, for every SKU it stocks: enough that no benchmark runs out. */
export const STOCK_ON_HAND = 1_000_000;
export const TIMEZONE = 'Asia/Shanghai';
/** The most the API allows, so load never limits a benchmark's routing. */
export const STORE_CAPACITY = 100_000;

/** A store as the body of `POST /v1/sites` (API.md "Sites"), every field spelled out. */
export interface CitySite {
  id: string;
  name: string;
  kind: 'store';
  formats: SiteFormat[];
  chain: boolean;
  location: Point;
  timezone: string;
  /** Absent: always open. */
  openingHours?: OpeningWindow[];
  capacity: number;
  acceptance: { mode: 'auto' | 'manual'; timeoutSeconds: number };
  services: string[];
  status: 'open' | 'paused';
}

/** An order as the body of `POST /v1/orders`, items only (fulfilment defaults to delivery). */
export interface CityOrder {
  externalId: string;
  customer: Point;
  items: { sku: string; quantity: number }[];
  maxWalkMinutes: number;
}

export interface City {
  options: CityOptions;
  bounds: { minLat: number; maxLat: number; minLng: number; maxLng: number };
  sites: CitySite[];
  /** SKU ids, the most popular first. */
  catalogue: string[];
  /** For each site (same index as `sites`), the catalogue indices it stocks, ascending. */
  stock: Uint16Array[];
  orders: CityOrder[];
}

/** Metres per degree of latitude on the API's sphere (radius 6,371,008.8 m). */
const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;
/** Popularity of SKUs in baskets; stocking follows a flatter curve (shops carry the long tail). */
const BASKET_ZIPF = 1.0;
const STOCKING_ZIPF = 0.7;
const LINE_SHARES = [0.35, 0.25, 0.2, 0.12, 0.08].map((share, i) => ({ share, lines: i + 1 }));
const WALK_LIMITS: ReadonlyArray<{ share: number; minutes: number }> = [
  { share: 0.8, minutes: 15 },
  { share: 0.1, minutes: 10 },
  { share: 0.1, minutes: 5 },
];
const FORMATS: ReadonlyArray<{ share: number; format: SiteFormat }> = [
  { share: 0.5, format: 'convenience' },
  { share: 0.15, format: 'fresh_market' },
  { share: 0.1, format: 'supermarket' },
  { share: 0.1, format: 'fruit' },
  { share: 0.08, format: 'bakery' },
  { share: 0.07, format: 'pharmacy' },
];
const CHAINS = ['Lianhua Express', 'FamilyMart', 'Lawson', 'Alldays', 'Kedi', 'Hema Mini'];

interface Cluster {
  centre: Point;
  sigmaM: number;
  weight: number;
}

/**
 * A synthetic city, the same for the same options: stores in dense neighbourhoods over a
 * sparse background, a Zipf-shaped catalogue (popular SKUs are stocked more often and
 * ordered more often), and orders from customers who mostly live near the stores. Each
 * part draws from its own seeded stream, so changing the order count leaves the stores
 * as they were.
 */
export function generateCity(options: CityOptions = BENCH_CITY): City {
  const bounds = boundsOf(options.centre, options.sizeKm);
  const clusters = drawClusters(seededRandom(`${options.seed}/clusters`), options, bounds);
  const catalogue = catalogueIds(options.skus);
  const siteRandom = seededRandom(`${options.seed}/sites`);
  const stockRandom = seededRandom(`${options.seed}/stock`);
  const stocking = stockingProbabilities(options.skus, options.skusPerStore);
  const idWidth = String(options.stores - 1).length;
  const sites: CitySite[] = [];
  const stock: Uint16Array[] = [];
  for (let i = 0; i < options.stores; i += 1) {
    const location = drawPoint(siteRandom, clusters, bounds, options.clusteredShare, 1);
    sites.push(drawSite(siteRandom, `s-${String(i).padStart(idWidth, '0')}`, location, options));
    stock.push(drawStock(stockRandom, stocking));
  }
  const orders = drawOrders(seededRandom(`${options.seed}/orders`), options, clusters, bounds, catalogue);
  return { options, bounds, sites, catalogue, stock, orders };
}

function boundsOf(centre: Point, sizeKm: number): City['bounds'] {
  const halfLat = (sizeKm * 500) / METRES_PER_DEGREE;
  const halfLng = halfLat / Math.cos((centre.lat * Math.PI) / 180);
  return {
    minLat: centre.lat - halfLat,
    maxLat: centre.lat + halfLat,
    minLng: centre.lng - halfLng,
    maxLng: centre.lng + halfLng,
  };
}

function drawClusters(random: Random, options: CityOptions, bounds: City['bounds']): Cluster[] {
  const clusters: Cluster[] = [];
  for (let i = 0; i < options.clusters; i += 1) {
    clusters.push({
      centre: uniformPoint(random, bounds),
      sigmaM: 300 + random.next() * 900,
      // Lognormal sizes: a few big neighbourhoods, many small ones.
      weight: Math.exp(random.normal() * 0.6),
    });
  }
  return clusters;
}

function uniformPoint(random: Random, bounds: City['bounds']): Point {
  return {
    lat: bounds.minLat + random.next() * (bounds.maxLat - bounds.minLat),
    lng: bounds.minLng + random.next() * (bounds.maxLng - bounds.minLng),
  };
}

/** A point near a cluster (picked by weight) or anywhere; redrawn until inside the city. */
function drawPoint(
  random: Random,
  clusters: Cluster[],
  bounds: City['bounds'],
  clusteredShare: number,
  spread: number,
): Point {
  const totalWeight = clusters.reduce((sum, cluster) => sum + cluster.weight, 0);
  for (;;) {
    let point: Point;
    if (clusters.length > 0 && random.chance(clusteredShare)) {
      let roll = random.next() * totalWeight;
      let cluster = clusters[clusters.length - 1]!;
      for (const candidate of clusters) {
        roll -= candidate.weight;
        if (roll < 0) {
          cluster = candidate;
          break;
        }
      }
      const sigmaLat = (cluster.sigmaM * spread) / METRES_PER_DEGREE;
      const sigmaLng = sigmaLat / Math.cos((cluster.centre.lat * Math.PI) / 180);
      point = {
        lat: cluster.centre.lat + random.normal() * sigmaLat,
        lng: cluster.centre.lng + random.normal() * sigmaLng,
      };
    } else {
      point = uniformPoint(random, bounds);
    }
    // Six decimals (~0.1 m): what a client sends, and what the in-memory city uses too.
    point = { lat: round6(point.lat), lng: round6(point.lng) };
    if (
      point.lat >= bounds.minLat &&
      point.lat <= bounds.maxLat &&
      point.lng >= bounds.minLng &&
      point.lng <= bounds.maxLng
    )
      return point;
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function drawSite(random: Random, id: string, location: Point, options: CityOptions): CitySite {
  const format = pick(random, FORMATS).format;
  const chain = random.chance(0.6);
  const openingHours = drawOpeningHours(random);
  const auto = random.chance(0.6);
  return {
    id,
    name: `${chain ? CHAINS[random.int(0, CHAINS.length - 1)] : 'Neighbourhood store'} ${id}`,
    kind: 'store',
    formats: [format],
    chain,
    location,
    timezone: TIMEZONE,
    ...(openingHours ? { openingHours } : {}),
    capacity: STORE_CAPACITY,
    acceptance: { mode: auto ? 'auto' : 'manual', timeoutSeconds: 600 },
    services: [],
    status: random.chance(options.pausedShare) ? 'paused' : 'open',
  };
}

function pick<T extends { share: number }>(random: Random, choices: ReadonlyArray<T>): T {
  let roll = random.next();
  for (const choice of choices) {
    roll -= choice.share;
    if (roll < 0) return choice;
  }
  return choices[0]!;
}

function catalogueIds(count: number): string[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `sku-${String(i).padStart(width, '0')}`);
}

/**
 * P(a store stocks SKU i) = min(1, c·w_i) with Zipf weights w_i, and c found by bisection
 * so that the probabilities sum to the mean assortment size.
 */
function stockingProbabilities(skus: number, perStore: number): Float64Array {
  const target = Math.min(perStore, skus);
  const weights = Float64Array.from({ length: skus }, (_, i) => zipfWeight(i, STOCKING_ZIPF));
  const expected = (c: number) => weights.reduce((sum, w) => sum + Math.min(1, c * w), 0);
  let low = 0;
  let high = 1;
  while (expected(high) < target) high *= 2;
  for (let step = 0; step < 60; step += 1) {
    const mid = (low + high) / 2;
    if (expected(mid) < target) low = mid;
    else high = mid;
  }
  return weights.map((w) => Math.min(1, high * w));
}

function drawStock(random: Random, stocking: Float64Array): Uint16Array {
  const stocked: number[] = [];
  for (let i = 0; i < stocking.length; i += 1) if (random.next() < stocking[i]!) stocked.push(i);
  return Uint16Array.from(stocked);
}

function drawOrders(
  random: Random,
  options: CityOptions,
  clusters: Cluster[],
  bounds: City['bounds'],
  catalogue: string[],
): CityOrder[] {
  const basket = new ZipfSampler(catalogue.length, BASKET_ZIPF);
  const orders: CityOrder[] = [];
  for (let i = 0; i < options.orders; i += 1) {
    // Customers live a little wider than the stores cluster, and some live nowhere near.
    const customer = drawPoint(random, clusters, bounds, 0.85, 1.3);
    const lineCount = Math.min(pick(random, LINE_SHARES).lines, catalogue.length);
    const chosen = new Set<number>();
    while (chosen.size < lineCount) chosen.add(basket.draw(random));
    const items = [...chosen].map((index) => ({
      sku: catalogue[index]!,
      quantity: random.chance(0.7) ? 1 : random.int(2, 3),
    }));
    orders.push({
      externalId: `o-${i}`,
      customer,
      items,
      maxWalkMinutes: pick(random, WALK_LIMITS).minutes,
    });
  }
  return orders;
}
