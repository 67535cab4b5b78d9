import { NearestRanking } from './nearest-ranking.ts';
import type { Plan } from './planner.ts';
import type { SiteLayout } from './site-layout.ts';
import type { Candidate, OrderLine, UnroutableReason } from './types.ts';

/**
 * One site's quantities by interned SKU number: an open-addressing table in typed arrays
 * (keys are SKU number + 1, 0 is empty; linear probing from a Fibonacci hash: SKU numbers are
 * dense and a store stocks most of the popular, low ones, so the number itself as the slot
 * would pile them into one long run).
 */
class SiteQuantities {
  private keys = new Int32Array(16);
  private quantities = new Float64Array(16);
  /** 32 − log2(table size): the hash keeps the top bits of the product. */
  private shift = 28;
  private count = 0;

  private slotOf(sku: number): number {
    return Math.imul(sku + 1, 0x9e3779b1) >>> this.shift;
  }

  get(sku: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    const key = sku + 1;
    for (let at = this.slotOf(sku); ; at = (at + 1) & mask) {
      const found = keys[at]!;
      if (found === key) return this.quantities[at]!;
      if (found === 0) return 0;
    }
  }

  set(sku: number, quantity: number): void {
    const mask = this.keys.length - 1;
    let at = this.slotOf(sku);
    while (this.keys[at] !== 0 && this.keys[at] !== sku + 1) at = (at + 1) & mask;
    if (this.keys[at] === 0) {
      // Kept at most three quarters full, so a probe ends soon and always at an empty slot.
      if ((this.count + 1) * 4 > this.keys.length * 3) {
        this.grow();
        this.set(sku, quantity);
        return;
      }
      this.count += 1;
      this.keys[at] = sku + 1;
    }
    this.quantities[at] = quantity;
  }

  private grow(): void {
    const { keys, quantities } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.quantities = new Float64Array(keys.length * 2);
    this.shift -= 1;
    this.count = 0;
    for (let at = 0; at < keys.length; at++) if (keys[at] !== 0) this.set(keys[at]! - 1, quantities[at]!);
  }
}

/**
 * Stock and load held in memory: the benchmark's stand-in for Redis, the oracle's
 * state, and the shape a local hint would take. Redis stays the authority in the service.
 *
 * Sites and SKUs are interned to numbers. Every site's "quantity above 0" bits live in one
 * shared Int32Array, `words` words a site, so the usual failed check (the site does not
 * stock one of the lines) reads a word or two of one array; only lines whose bit is set look
 * up their quantity. A check is one Map lookup (the site's number) and a few array reads,
 * instead of a chain of objects per site that a walk over many sites misses in cache.
 */
export class MemoryStockView {
  /** Active orders per site id (absent: 0). */
  readonly load = new Map<string, number>();
  private readonly skuNumbers = new Map<string, number>();
  private readonly siteNumbers = new Map<string, number>();
  private readonly quantities: SiteQuantities[] = [];
  /** Bit (sku & 31) of word [site × words + (sku >> 5)]: that SKU's quantity is above 0. */
  private positive = new Int32Array(0);
  private words = 1;
  private readonly layoutNumbers = new WeakMap<SiteLayout, Int32Array>();

  setAvailable(siteId: string, sku: string, quantity: number): void {
    let skuNumber = this.skuNumbers.get(sku);
    if (skuNumber === undefined) {
      skuNumber = this.skuNumbers.size;
      this.skuNumbers.set(sku, skuNumber);
      if (skuNumber >> 5 >= this.words) this.relayout(this.quantities.length, this.words * 2);
    }
    let site = this.siteNumbers.get(siteId);
    if (site === undefined) {
      site = this.quantities.length;
      this.siteNumbers.set(siteId, site);
      this.quantities.push(new SiteQuantities());
      if ((site + 1) * this.words > this.positive.length) this.relayout(Math.max(16, site * 2), this.words);
    }
    this.quantities[site]!.set(skuNumber, quantity);
    const at = site * this.words + (skuNumber >> 5);
    if (quantity > 0) this.positive[at]! |= 1 << (skuNumber & 31);
    else this.positive[at]! &= ~(1 << (skuNumber & 31));
  }

  /** Available quantity of one SKU at one site (0 when never set). */
  availableAt(siteId: string, sku: string): number {
    const skuNumber = this.skuNumbers.get(sku);
    const site = this.siteNumbers.get(siteId);
    return skuNumber === undefined || site === undefined ? 0 : this.quantities[site]!.get(skuNumber);
  }

  /** Every line available in its quantity at the site. A site with no stock at all has none. */
  hasAll(siteId: string, lines: readonly OrderLine[]): boolean {
    return this.hasAllCompiled(siteId, this.compile(lines));
  }

  /** The lines with SKUs as numbers (-1: a SKU no site has), for repeated checks. */
  compile(lines: readonly OrderLine[]): CompiledLines {
    // Plain arrays: a typed array costs more to make than a handful of lines are worth.
    const skus: number[] = [];
    const quantities: number[] = [];
    for (const line of lines) {
      skus.push(this.skuNumbers.get(line.sku) ?? -1);
      quantities.push(line.quantity);
    }
    return { skus, quantities };
  }

  hasAllCompiled(siteId: string, lines: CompiledLines): boolean {
    const site = this.siteNumbers.get(siteId);
    return site === undefined ? lines.skus.length === 0 : this.hasAllNumbered(site, lines);
  }

  private hasAllNumbered(site: number, lines: CompiledLines): boolean {
    const { skus, quantities } = lines;
    // The usual failure first, from the bits alone: a clear bit means at most 0 available.
    const base = site * this.words;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      if (quantities[i]! > 0 && (sku < 0 || (this.positive[base + (sku >> 5)]! & (1 << (sku & 31))) === 0))
        return false;
    }
    const table = this.quantities[site]!;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      if ((sku < 0 ? 0 : table.get(sku)) < quantities[i]!) return false;
    }
    return true;
  }

  /**
   * hasAllCompiled for the site in `slot` of a site layout, without looking its id up:
   * `numbers` (from numbersFor) memoises each slot's site number + 1 (0: not known yet).
   */
  hasAllInSlot(numbers: Int32Array, layout: SiteLayout, slot: number, lines: CompiledLines): boolean {
    let site = numbers[slot]! - 1;
    if (site < 0) {
      site = this.siteNumbers.get(layout.sites[slot]!.id) ?? -1;
      // A site with no stock yet may get some later: only a number found is memoised.
      if (site < 0) return lines.skus.length === 0;
      numbers[slot] = site + 1;
    }
    return this.hasAllNumbered(site, lines);
  }

  /** The per-slot memo of site numbers for one layout (kept while the layout lives). */
  numbersFor(layout: SiteLayout): Int32Array {
    let numbers = this.layoutNumbers.get(layout);
    if (numbers === undefined) {
      numbers = new Int32Array(layout.count);
      this.layoutNumbers.set(layout, numbers);
    }
    return numbers;
  }

  /** Is the site at or over its capacity? */
  full(siteId: string, capacity: number): boolean {
    return this.load.size !== 0 && (this.load.get(siteId) ?? 0) >= capacity;
  }

  /** Room for `sites` sites of `words` words each, keeping every bit. */
  private relayout(sites: number, words: number): void {
    const positive = new Int32Array(sites * words);
    const count = this.quantities.length;
    for (let site = 0; site < count; site++)
      for (let word = 0; word < this.words; word++)
        positive[site * words + word] = this.positive[site * this.words + word] ?? 0;
    this.positive = positive;
    this.words = words;
  }
}

export interface CompiledLines {
  skus: readonly number[];
  quantities: readonly number[];
}

export type Decision = { ok: true; chosen: Candidate } | { ok: false; reason: UnroutableReason };

/** Walks a plan as the reserve script does, against memory; reserves nothing. */
export function decideInMemory(
  plan: Plan,
  view: MemoryStockView,
  lines: readonly OrderLine[] = [],
): Decision {
  if (!plan.ok) return plan;
  const compiled = view.compile(lines);
  const ranked = plan.ranked;
  if (ranked instanceof NearestRanking) return decideBySlot(ranked, view, compiled);
  let roomSomewhere = false;
  for (let site = ranked.nextSite(); site; site = ranked.nextSite()) {
    if (view.full(site.id, site.capacity)) continue;
    roomSomewhere = true;
    if (view.hasAllCompiled(site.id, compiled)) return { ok: true, chosen: ranked.candidateOf(site) };
  }
  return { ok: false, reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
}

/** decideInMemory over a nearest-first ranking: slots all the way, a candidate only for the choice. */
function decideBySlot(ranked: NearestRanking, view: MemoryStockView, lines: CompiledLines): Decision {
  const layout = ranked.layout;
  const numbers = view.numbersFor(layout);
  const anyLoad = view.load.size !== 0;
  let roomSomewhere = false;
  for (let slot = ranked.nextSlot(); slot >= 0; slot = ranked.nextSlot()) {
    if (anyLoad && view.full(layout.sites[slot]!.id, layout.sites[slot]!.capacity)) continue;
    roomSomewhere = true;
    if (view.hasAllInSlot(numbers, layout, slot, lines))
      return { ok: true, chosen: ranked.candidateOf(layout.sites[slot]!) };
  }
  return { ok: false, reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
}
