import type { Site } from '@quarterhour/domain';
import { type CircleSettings, cellOf } from '@quarterhour/geo';
import {
  type Decision,
  decideInMemory,
  MemoryStockView,
  planRoute,
  routableSite,
  SiteIndex,
} from '@quarterhour/routing';
import type { BruteForceDecision, OracleStock } from './brute-force.ts';
import { type City, type CityOrder, type CitySite, STOCK_ON_HAND } from './city.ts';

/** API.md defaults: 80 m a minute, detour 1.3, so 15 minutes is 923 m in a straight line. */
export const DEFAULT_CIRCLE: CircleSettings = { walkSpeedMPerMin: 80, detourFactor: 1.3 };

const CREATED_AT = '2025-01-01T00:00:00.000Z';

/** A generated site as the service would store and return it. */
export function toSite(site: CitySite): Site {
  return {
    ...site,
    openingHours: site.openingHours ?? null,
    cell: cellOf(site.location),
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
  };
}

/** The city's sites in the routing library's index, as an intake would hold them. */
export function buildSiteIndex(city: City, circle: CircleSettings = DEFAULT_CIRCLE): SiteIndex {
  const index = new SiteIndex(circle);
  for (const site of city.sites) index.upsert(routableSite(toSite(site)));
  return index;
}

/** The city's stock in memory, in place of Redis: every stocked SKU at STOCK_ON_HAND. */
export function buildStockView(city: City): MemoryStockView {
  const view = new MemoryStockView();
  city.sites.forEach((site, i) => {
    for (const sku of city.stock[i]!) view.setAvailable(site.id, city.catalogue[sku]!, STOCK_ON_HAND);
  });
  return view;
}

/**
 * The city's stock for the brute-force oracle, in plain maps built straight from the
 * city (every stocked SKU at STOCK_ON_HAND), with loads set through `setLoad`.
 */
export function oracleStock(city: City): OracleStock & { setLoad(siteId: string, load: number): void } {
  const stocked = new Map<string, Set<string>>();
  city.sites.forEach((site, i) => {
    stocked.set(site.id, new Set(Array.from(city.stock[i]!, (sku) => city.catalogue[sku]!)));
  });
  const loads = new Map<string, number>();
  return {
    onHand: (siteId, sku) => (stocked.get(siteId)?.has(sku) ? STOCK_ON_HAND : 0),
    load: (siteId) => loads.get(siteId) ?? 0,
    setLoad: (siteId, load) => void loads.set(siteId, load),
  };
}

/** The library's decision for one order: plan (candidates, eligibility, ranking), then stock. */
export function routeInMemory(
  index: SiteIndex,
  view: MemoryStockView,
  order: CityOrder,
  now: Date,
): Decision {
  const plan = planRoute(
    index,
    { point: order.customer, maxWalkMinutes: order.maxWalkMinutes, items: order.items },
    now,
  );
  return decideInMemory(plan, view, order.items);
}

/** A decision as one comparable word: the chosen site's id, or the unroutable reason. */
export function choiceOf(decision: Decision | BruteForceDecision): string {
  if (!decision.ok) return `unroutable:${decision.reason}`;
  return 'chosen' in decision ? decision.chosen.site.id : decision.siteId;
}
