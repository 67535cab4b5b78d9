import type { Plan } from './planner.ts';
import type { Candidate, OrderLine, UnroutableReason } from './types.ts';

/**
 * Stock and load held in memory: the benchmark's stand-in for Redis, the oracle's
 * state, and the shape a local hint would take. Redis stays the authority in the service.
 */
export class MemoryStockView {
  readonly available = new Map<string, Map<string, number>>();
  readonly load = new Map<string, number>();

  setAvailable(siteId: string, sku: string, quantity: number): void {
    let skus = this.available.get(siteId);
    if (!skus) {
      skus = new Map();
      this.available.set(siteId, skus);
    }
    skus.set(sku, quantity);
  }

  hasAll(siteId: string, lines: readonly OrderLine[]): boolean {
    const skus = this.available.get(siteId);
    if (!skus) return lines.length === 0;
    for (const line of lines) if ((skus.get(line.sku) ?? 0) < line.quantity) return false;
    return true;
  }
}

export type Decision = { ok: true; chosen: Candidate } | { ok: false; reason: UnroutableReason };

/** Walks a plan as the reserve script does, against memory; reserves nothing. */
export function decideInMemory(
  plan: Plan,
  view: MemoryStockView,
  lines: readonly OrderLine[] = [],
): Decision {
  if (!plan.ok) return plan;
  let roomSomewhere = false;
  for (const candidate of plan.ranked) {
    if ((view.load.get(candidate.site.id) ?? 0) >= candidate.site.capacity) continue;
    roomSomewhere = true;
    if (view.hasAll(candidate.site.id, lines)) return { ok: true, chosen: candidate };
  }
  return { ok: false, reason: roomSomewhere ? 'out_of_stock' : 'no_open_site' };
}
