import type { City, CityOrder } from '../city.ts';
import { buildSiteIndex, buildStockView, routeInMemory } from '../memory-city.ts';
import { postJson } from './intake-api.ts';

/** Distinct order bodies the load cycles through; externalIds make each request new. */
const DISTINCT_ORDERS = 5_000;
const SPOT_CHECK_ORDERS = 200;
/** Longer than any run: an order routed the same at both ends goes to an open site throughout. */
const STABLE_FOR_MS = 10 * 60_000;

export interface E2eOrders {
  bodies: CityOrder[];
  /** The site the in-memory router picks for each body now. */
  expected: string[];
}

/**
 * Orders the city can route now and ten minutes from now to the same site (no store on
 * the way opens or closes for them), so every request should be a 201: a 422 in the
 * measured run is then a real difference, not the city's unmet demand.
 */
export function selectE2eOrders(city: City, now = new Date()): E2eOrders {
  const index = buildSiteIndex(city);
  const view = buildStockView(city);
  const later = new Date(now.getTime() + STABLE_FOR_MS);
  const bodies: CityOrder[] = [];
  const expected: string[] = [];
  for (const order of city.orders) {
    const first = routeInMemory(index, view, order, now);
    if (!first.ok) continue;
    const second = routeInMemory(index, view, order, later);
    if (!second.ok || second.chosen.site.id !== first.chosen.site.id) continue;
    bodies.push(order);
    expected.push(first.chosen.site.id);
    if (bodies.length === DISTINCT_ORDERS) break;
  }
  return { bodies, expected };
}

/**
 * A few orders one at a time before the load: the intake must choose the site the
 * library chooses in memory, else the setup (sites, stock, rebuild) went wrong.
 */
export async function spotCheck(
  baseUrl: string,
  platformKey: string,
  orders: E2eOrders,
  idPrefix: string,
): Promise<{ orders: number; mismatches: number; examples: string[] }> {
  const count = Math.min(SPOT_CHECK_ORDERS, orders.bodies.length);
  const examples: string[] = [];
  let mismatches = 0;
  for (let i = 0; i < count; i += 1) {
    const order = orders.bodies[i]!;
    const { json } = await postJson(
      `${baseUrl}/v1/orders`,
      platformKey,
      { ...order, externalId: `${idPrefix}-${i}` },
      201,
    ).catch((error: Error) => ({ json: { error: error.message } }));
    const siteId = (json as { site?: { id?: string } }).site?.id;
    if (siteId === orders.expected[i]) continue;
    mismatches += 1;
    if (examples.length < 5)
      examples.push(
        `${order.externalId}: intake ${siteId ?? JSON.stringify(json)}, memory ${orders.expected[i]}`,
      );
  }
  return { orders: count, mismatches, examples };
}
