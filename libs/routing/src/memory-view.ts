import type { Plan } from './planner.ts';
import type { Candidate, OrderLine, UnroutableReason } from './types.ts';

/**
 * One site's available quantities by interned SKU number. `positive` has a bit per SKU
 * number set when its quantity is above 0, so the usual failed check (the site does not
 * stock the SKU) reads one word; quantities live in an open-addressing table in typed arrays
 * (keys are SKU number + 1, 0 is empty; linear probing; SKU numbers are dense, so the number
 * itself spreads the keys).
 */
class SiteStock {
  positive = new Int32Array(4);
  private keys = new Int32Array(16);
  private quantities = new Float64Array(16);
  private count = 0;

  get(sku: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    const key = sku + 1;
    for (let at = sku & mask; ; at = (at + 1) & mask) {
      const found = keys[at]!;
      if (found === key) return this.quantities[at]!;
      if (found === 0) return 0;
    }
  }

  set(sku: number, quantity: number): void {
    const word = sku >> 5;
    if (word >= this.positive.length) {
      const grown = new Int32Array(Math.max(word + 1, this.positive.length * 2));
      grown.set(this.positive);
      this.positive = grown;
    }
    if (quantity > 0) this.positive[word]! |= 1 << (sku & 31);
    else this.positive[word]! &= ~(1 << (sku & 31));
    const mask = this.keys.length - 1;
    let at = sku & mask;
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
    this.count = 0;
    for (let at = 0; at < keys.length; at++) if (keys[at] !== 0) this.set(keys[at]! - 1, quantities[at]!);
  }
}

/**
 * Stock and load held in memory: the benchmark's stand-in for Redis, the oracle's
 * state, and the shape a local hint would take. Redis stays the authority in the service.
 * SKUs are interned to numbers, so a check is a few typed-array reads per line.
 */
export class MemoryStockView {
  /** Active orders per site id (absent: 0). */
  readonly load = new Map<string, number>();
  private readonly skuNumbers = new Map<string, number>();
  private readonly stock = new Map<string, SiteStock>();

  setAvailable(siteId: string, sku: string, quantity: number): void {
    let number = this.skuNumbers.get(sku);
    if (number === undefined) {
      number = this.skuNumbers.size;
      this.skuNumbers.set(sku, number);
    }
    let site = this.stock.get(siteId);
    if (!site) {
      site = new SiteStock();
      this.stock.set(siteId, site);
    }
    site.set(number, quantity);
  }

  /** Available quantity of one SKU at one site (0 when never set). */
  availableAt(siteId: string, sku: string): number {
    const number = this.skuNumbers.get(sku);
    return number === undefined ? 0 : (this.stock.get(siteId)?.get(number) ?? 0);
  }

  /** Every line available in its quantity at the site. A site with no stock at all has none. */
  hasAll(siteId: string, lines: readonly OrderLine[]): boolean {
    return this.hasAllCompiled(siteId, this.compile(lines));
  }

  /** The lines with SKUs as numbers (-1: a SKU no site has), for repeated checks. */
  compile(lines: readonly OrderLine[]): CompiledLines {
    const skus = new Int32Array(lines.length);
    const quantities = new Float64Array(lines.length);
    lines.forEach((line, i) => {
      skus[i] = this.skuNumbers.get(line.sku) ?? -1;
      quantities[i] = line.quantity;
    });
    return { skus, quantities };
  }

  hasAllCompiled(siteId: string, lines: CompiledLines): boolean {
    const site = this.stock.get(siteId);
    const { skus, quantities } = lines;
    if (!site) return skus.length === 0;
    const positive = site.positive;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      const quantity = quantities[i]!;
      // The usual failure first: the bit is clear, so at most 0 is available.
      const word = sku < 0 || sku >> 5 >= positive.length ? 0 : positive[sku >> 5]!;
      if ((word & (1 << (sku & 31))) === 0 && quantity > 0) return false;
      if ((sku < 0 ? 0 : site.get(sku)) < quantity) return false;
    }
    return true;
  }

  /** Is the site at or over its capacity? */
  full(siteId: string, capacity: number): boolean {
    return this.load.size !== 0 && (this.load.get(siteId) ?? 0) >= capacity;
  }
}

export interface CompiledLines {
  skus: Int32Array;
  quantities: Float64Array;
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
  let roomSomewhere = false;
  const ranked = plan.ranked;
  for (let site = ranked.nextSite(); site; site = ranked.nextSite()) {
    if (view.full(site.id, site.capacity)) continue;
    roomSomewhere = true;
    if (view.hasAllCompiled(site.id, compiled)) return { ok: true, chosen: ranked.candidateOf(site) };
  }
  return { ok: false, reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
}
