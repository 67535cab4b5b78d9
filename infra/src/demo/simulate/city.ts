import { cellOf } from '@quarterhour/geo';
import type { StockLine } from '../site-body.ts';
import { haversineMeters } from './geo.ts';
import { isOpenAt, type SiteHours } from './hours.ts';
import type { Point } from './wire.ts';

/** What the simulation needs to know of a city: the demo city (`buildDemoCity`) is one. */
export interface SimSite extends SiteHours {
  id: string;
  kind: 'store' | 'provider';
  location: Point;
  services?: readonly string[];
}

export interface SimCity {
  sites: readonly SimSite[];
  /** What was seeded, per store: the demo city's stock is deterministic, so this is what it holds. */
  stock: readonly { siteId: string; items: readonly StockLine[] }[];
}

/** The stores and providers orders are sent near, and the lockers, at one moment. */
export interface TrafficPlan {
  stores: { id: string; location: Point; stock: readonly StockLine[] }[];
  providers: { id: string; location: Point; services: readonly string[] }[];
  lockers: Point[];
}

/** H3 resolution 8 (~0.7 km² a cell): about a neighbourhood's high street. */
const AREA_RESOLUTION = 8;
/** A store that closes within this is not worth sending a customer to. */
const OPEN_MARGIN_MS = 10 * 60_000;
const MAX_PROVIDERS = 8;

/**
 * The centres of the cells with the most sites, busiest first: where couriers wait and lockers
 * stand. Depends only on the sites, so a re-run puts lockers where the last run did.
 */
export function busiestAreas(city: SimCity, count: number): Point[] {
  const cells = new Map<string, Point[]>();
  for (const site of city.sites) {
    const cell = cellOf(site.location, AREA_RESOLUTION);
    const points = cells.get(cell) ?? [];
    points.push(site.location);
    cells.set(cell, points);
  }
  return [...cells]
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([, points]) => ({
      lat: points.reduce((sum, p) => sum + p.lat, 0) / points.length,
      lng: points.reduce((sum, p) => sum + p.lng, 0) / points.length,
    }));
}

/**
 * The sites the simulation acts for at `now`: the `stores` open stores nearest the busy areas
 * (and a few providers), so orders route and the demo stays in one part of the city.
 */
export function trafficPlan(
  city: SimCity,
  options: { now: Date; areas: readonly Point[]; stores: number; lockers: readonly Point[] },
): TrafficPlan {
  const later = new Date(options.now.getTime() + OPEN_MARGIN_MS);
  const open = city.sites.filter((site) => isOpenAt(site, options.now) && isOpenAt(site, later));
  const nearest = (sites: SimSite[]) =>
    sites
      .map((site) => ({ site, distance: distanceToAreas(site.location, options.areas) }))
      .sort((a, b) => a.distance - b.distance || (a.site.id < b.site.id ? -1 : 1))
      .map(({ site }) => site);
  const stockOf = new Map(city.stock.map((entry) => [entry.siteId, entry.items]));

  const stores = nearest(open.filter((site) => site.kind === 'store'))
    .map((site) => ({
      id: site.id,
      location: site.location,
      stock: (stockOf.get(site.id) ?? []).filter((line) => line.onHand > 0),
    }))
    .filter((store) => store.stock.length > 0)
    .slice(0, options.stores);
  const providers = nearest(open.filter((site) => site.kind === 'provider' && site.services?.length))
    .slice(0, MAX_PROVIDERS)
    .map((site) => ({ id: site.id, location: site.location, services: site.services ?? [] }));
  return { stores, providers, lockers: [...options.lockers] };
}

function distanceToAreas(point: Point, areas: readonly Point[]): number {
  if (areas.length === 0) return 0;
  return Math.min(...areas.map((area) => haversineMeters(point, area)));
}
