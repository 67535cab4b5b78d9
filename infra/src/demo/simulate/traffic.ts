import { CATALOGUE, type Department } from '../catalogue.ts';
import { type Random, seededRandom } from '../random.ts';
import type { StockLine } from '../site-body.ts';
import type { TrafficPlan } from './city.ts';
import { haversineMeters, randomPointNear, rounded } from './geo.ts';
import type { OrderBody, OrderLine, Parcel } from './wire.ts';

export type OrderKind = 'delivery' | 'pickup' | 'locker' | 'service';

/** Shares of each kind of order; they need not sum to 1. */
export type TrafficMix = Record<OrderKind, number>;

export const DEFAULT_MIX: TrafficMix = { delivery: 0.6, pickup: 0.2, locker: 0.15, service: 0.05 };

export interface TrafficOptions {
  seed: string;
  /** Starts every externalId; make it unique per run, since ids are unique per platform key. */
  prefix: string;
  mix?: TrafficMix;
  /** Share of orders for the elderly or a child (half each). */
  priorityShare?: number;
  /** Customers stand this far from the store or provider at most. */
  customerRadiusMeters?: number;
}

export interface OrderIntent {
  kind: OrderKind;
  /** The store or provider the order was drawn for; routing may still pick a nearer one. */
  homeSiteId: string;
  body: OrderBody;
}

/** A locker this close to the store gets the store's locker orders, placed near the locker. */
const LOCKER_CATCHMENT_METERS = 500;
const NEAR_LOCKER_METERS = 400;
const LINE_COUNTS = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3] as const;

const DEPARTMENT_OF = new Map<string, Department>(
  Object.entries(CATALOGUE).flatMap(([department, tiers]) =>
    Object.values(tiers)
      .flat()
      .map((sku): [string, Department] => [sku, department as Department]),
  ),
);
const CHILLED: ReadonlySet<Department> = new Set<Department>(['dairy', 'meat', 'fish', 'deli', 'food_to_go']);

/**
 * Orders as a city's customers would send them: near a store of the plan, for 1-3 lines that
 * store stocks, in the given mix of fulfilments. Pure: the same seed and plans give the same orders.
 */
export function trafficGenerator(options: TrafficOptions): { next(plan: TrafficPlan): OrderIntent | null } {
  const random = seededRandom(options.seed);
  const mix = options.mix ?? DEFAULT_MIX;
  const priorityShare = options.priorityShare ?? 0.1;
  const radius = options.customerRadiusMeters ?? 600;
  let serial = 0;

  return {
    next(plan) {
      let kind = drawKind(mix, random);
      if (kind === 'service' && plan.providers.length === 0) kind = 'delivery';
      if (kind !== 'service' && plan.stores.length === 0) {
        if (plan.providers.length === 0) return null;
        kind = 'service';
      }
      serial += 1;
      const common = {
        externalId: `${options.prefix}-${serial}`,
        priority: drawPriority(priorityShare, random),
      };
      if (kind === 'service') {
        const provider = pick(plan.providers, random);
        const body: OrderBody = {
          ...common,
          customer: rounded(randomPointNear(provider.location, radius, random)),
          service: { type: pick(provider.services, random) },
          fulfilment: random.chance(0.8) ? 'visit' : 'pickup',
        };
        return { kind, homeSiteId: provider.id, body };
      }
      const store = pick(plan.stores, random);
      const items = drawLines(store.stock, random);
      const locker = kind === 'locker' ? nearestLocker(store.location, plan.lockers) : undefined;
      const customer = locker
        ? randomPointNear(locker, NEAR_LOCKER_METERS, random)
        : randomPointNear(store.location, radius, random);
      const body: OrderBody = { ...common, customer: rounded(customer), items, fulfilment: kind };
      if (kind === 'locker') body.parcel = parcelFor(items);
      return { kind, homeSiteId: store.id, body };
    },
  };
}

function drawKind(mix: TrafficMix, random: Random): OrderKind {
  const kinds = Object.keys(mix) as OrderKind[];
  const total = kinds.reduce((sum, kind) => sum + mix[kind], 0);
  let draw = random.next() * total;
  for (const kind of kinds) {
    draw -= mix[kind];
    if (draw < 0) return kind;
  }
  return 'delivery';
}

function drawPriority(share: number, random: Random): OrderBody['priority'] {
  if (!random.chance(share)) return 'standard';
  return random.chance(0.5) ? 'elderly' : 'child';
}

/** Distinct SKUs, likelier the more the store holds: people ask for staples. */
function drawLines(stock: readonly StockLine[], random: Random): OrderLine[] {
  const left = [...stock];
  const count = Math.min(pick(LINE_COUNTS, random), left.length);
  const lines: OrderLine[] = [];
  for (let i = 0; i < count; i += 1) {
    const total = left.reduce((sum, line) => sum + line.onHand, 0);
    let draw = random.next() * total;
    let index = left.findIndex((line) => {
      draw -= line.onHand;
      return draw < 0;
    });
    if (index < 0) index = left.length - 1;
    const [line] = left.splice(index, 1);
    if (!line) break;
    lines.push({ sku: line.sku, quantity: line.onHand >= 4 && random.chance(0.25) ? 2 : 1 });
  }
  return lines;
}

function nearestLocker(
  store: { lat: number; lng: number },
  lockers: TrafficPlan['lockers'],
): TrafficPlan['lockers'][number] | undefined {
  let best: { point: TrafficPlan['lockers'][number]; distance: number } | undefined;
  for (const point of lockers) {
    const distance = haversineMeters(store, point);
    if (distance <= LOCKER_CATCHMENT_METERS && (!best || distance < best.distance))
      best = { point, distance };
  }
  return best?.point;
}

/** The coldest department decides the compartment; more units need a bigger one. */
function parcelFor(items: readonly OrderLine[]): Parcel {
  const departments = items.map((line) => DEPARTMENT_OF.get(line.sku));
  const temperature = departments.includes('frozen')
    ? 'frozen'
    : departments.some((department) => department && CHILLED.has(department))
      ? 'chilled'
      : 'ambient';
  const units = items.reduce((sum, line) => sum + line.quantity, 0);
  return { size: units <= 2 ? 'S' : units <= 4 ? 'M' : 'L', temperature };
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random.next() * items.length)] as T;
}
