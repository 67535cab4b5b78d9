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
 * The stocked-SKU bits of one site layout, by slot: bySku[sku][slot >> 5] has bit
 * (slot & 31) set when the site in that slot has more than 0 of the SKU. Slots put nearby
 * sites next to each other, so the sites one order walks through share a few words per line
 * instead of each costing a cache miss. Made per SKU on first use, kept current by
 * setAvailable, dropped when a new site appears.
 */
class SlotBits {
  readonly bySku: (Int32Array | undefined)[] = [];
  /** Site number + 1 of each slot (0: the site has no stock at all). */
  readonly numbers: Int32Array;
  /** Slot + 1 of each site number (0: not in the layout). */
  readonly slots: Int32Array;

  constructor(
    readonly layout: SiteLayout,
    siteNumbers: ReadonlyMap<string, number>,
  ) {
    this.numbers = new Int32Array(layout.count);
    this.slots = new Int32Array(siteNumbers.size);
    for (let slot = 0; slot < layout.count; slot++) {
      const site = siteNumbers.get(layout.sites[slot]!.id);
      if (site === undefined) continue;
      this.numbers[slot] = site + 1;
      this.slots[site] = slot + 1;
    }
  }
}

/**
 * Stock and load held in memory: the benchmark's stand-in for Redis, the oracle's
 * state, and the shape a local hint would take. Redis stays the authority in the service.
 *
 * Sites and SKUs are interned to numbers. Per SKU, one bit per site says "more than 0
 * available", so the usual failed check (the site does not stock one of the lines) reads a
 * word per line; only when every bit is set are quantities looked up. A routing walk checks
 * sites by layout slot (hasAllInSlot) against a slot-ordered copy of the bits.
 */
export class MemoryStockView {
  /** Active orders per site id (absent: 0). */
  readonly load = new Map<string, number>();
  private readonly skuNumbers = new Map<string, number>();
  private readonly siteNumbers = new Map<string, number>();
  private readonly quantities: SiteQuantities[] = [];
  /** Per SKU number: bit (site & 31) of word (site >> 5) set when the site has more than 0. */
  private readonly bySite: Int32Array[] = [];
  /** Words of each bySite array. */
  private siteWords = 1;
  private slotBits: SlotBits | undefined;

  setAvailable(siteId: string, sku: string, quantity: number): void {
    let skuNumber = this.skuNumbers.get(sku);
    if (skuNumber === undefined) {
      skuNumber = this.skuNumbers.size;
      this.skuNumbers.set(sku, skuNumber);
      this.bySite.push(new Int32Array(this.siteWords));
    }
    let site = this.siteNumbers.get(siteId);
    if (site === undefined) {
      site = this.quantities.length;
      this.siteNumbers.set(siteId, site);
      this.quantities.push(new SiteQuantities());
      this.slotBits = undefined;
      if (site >> 5 >= this.siteWords) this.growSites();
    }
    this.quantities[site]!.set(skuNumber, quantity);
    setBit(this.bySite[skuNumber]!, site, quantity > 0);
    const slot = this.slotBits ? this.slotBits.slots[site]! - 1 : -1;
    const bySlot = this.slotBits?.bySku[skuNumber];
    if (slot >= 0 && bySlot) setBit(bySlot, slot, quantity > 0);
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
    if (site === undefined) return lines.skus.length === 0;
    const { skus, quantities } = lines;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      if (quantities[i]! > 0 && (sku < 0 || !hasBit(this.bySite[sku]!, site))) return false;
    }
    return this.quantitiesCover(site, lines);
  }

  /**
   * hasAllCompiled for the site in `slot` of `bits.layout`, without looking its id up.
   * `bits` comes from slotBitsFor() and is valid until the next setAvailable of a new site.
   */
  hasAllInSlot(bits: SlotBits, slot: number, lines: CompiledLines): boolean {
    const site = bits.numbers[slot]! - 1;
    if (site < 0) return lines.skus.length === 0;
    const { skus, quantities } = lines;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      if (quantities[i]! <= 0) continue;
      if (sku < 0) return false;
      const bySlot = bits.bySku[sku] ?? this.slotOrdered(bits, sku);
      if (!hasBit(bySlot, slot)) return false;
    }
    return this.quantitiesCover(site, lines);
  }

  /** The slot-ordered bits for `layout` (made when a different layout, or a new site, comes along). */
  slotBitsFor(layout: SiteLayout): SlotBits {
    if (this.slotBits?.layout !== layout) this.slotBits = new SlotBits(layout, this.siteNumbers);
    return this.slotBits;
  }

  /** Is the site at or over its capacity? */
  full(siteId: string, capacity: number): boolean {
    return this.load.size !== 0 && (this.load.get(siteId) ?? 0) >= capacity;
  }

  /** Every line's quantity at the site (after the bits said it may be there). */
  private quantitiesCover(site: number, lines: CompiledLines): boolean {
    const { skus, quantities } = lines;
    const table = this.quantities[site]!;
    for (let i = 0; i < skus.length; i++) {
      const sku = skus[i]!;
      if ((sku < 0 ? 0 : table.get(sku)) < quantities[i]!) return false;
    }
    return true;
  }

  private slotOrdered(bits: SlotBits, sku: number): Int32Array {
    const bySlot = new Int32Array((bits.numbers.length >> 5) + 1);
    const bySite = this.bySite[sku]!;
    for (let slot = 0; slot < bits.numbers.length; slot++) {
      const site = bits.numbers[slot]! - 1;
      if (site >= 0 && hasBit(bySite, site)) setBit(bySlot, slot, true);
    }
    bits.bySku[sku] = bySlot;
    return bySlot;
  }

  private growSites(): void {
    this.siteWords *= 2;
    for (let sku = 0; sku < this.bySite.length; sku++) {
      const grown = new Int32Array(this.siteWords);
      grown.set(this.bySite[sku]!);
      this.bySite[sku] = grown;
    }
  }
}

function hasBit(words: Int32Array, at: number): boolean {
  return (words[at >> 5]! & (1 << (at & 31))) !== 0;
}

function setBit(words: Int32Array, at: number, on: boolean): void {
  if (on) words[at >> 5]! |= 1 << (at & 31);
  else words[at >> 5]! &= ~(1 << (at & 31));
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
  const bits = view.slotBitsFor(layout);
  const anyLoad = view.load.size !== 0;
  let roomSomewhere = false;
  for (let slot = ranked.nextSlot(); slot >= 0; slot = ranked.nextSlot()) {
    if (anyLoad && view.full(layout.sites[slot]!.id, layout.sites[slot]!.capacity)) continue;
    roomSomewhere = true;
    if (view.hasAllInSlot(bits, slot, lines))
      return { ok: true, chosen: ranked.candidateOf(layout.sites[slot]!) };
  }
  return { ok: false, reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
}
