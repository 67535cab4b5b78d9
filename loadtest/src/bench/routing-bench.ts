import {
  type Decision,
  decideInMemory,
  type Plan,
  planRoute,
  type RoutingRequest,
} from '@quarterhour/routing';
import { bruteForceRoute } from '../brute-force.ts';
import type { City, CityOrder } from '../city.ts';
import { buildSiteIndex, buildStockView, choiceOf, DEFAULT_CIRCLE, oracleStock } from '../memory-city.ts';
import { machineCpuSeconds } from './cpu.ts';
import { perSecond, spread, type Timed, timeBoxed } from './timing.ts';

/**
 * A fixed instant, Wednesday 19:30 in Shanghai: some stores are closed then (breakfast
 * hours), and the library's per-minute clock cache is warm, as it is in steady traffic.
 */
export const ROUTING_NOW = new Date('2025-06-11T11:30:00.000Z');

const WARMUP_MS = 2_000;
const STEP_SAMPLE = 10_000;
const STEP_BUDGET_MS = 3_000;

export interface StepTiming {
  step: string;
  orders: number;
  microsPerOrder: number;
}

export interface RoutingBenchResult {
  now: string;
  buildMs: number;
  /** `perSecond` over everything timed; the ratio uses the medians of chunks. */
  matches: Timed & { perSecond: number };
  brute: Timed & { perSecond: number };
  ratio: number;
  /** Share of the machine's CPU that other processes used meanwhile (0..1; null off Linux). */
  othersBusy: number | null;
  mismatches: number;
  mismatchExamples: string[];
  outcomes: Record<string, number>;
  steps: StepTiming[];
  /** Stores in the circle per order (whatever their status). */
  meanInCircle: number;
  /** Entries of the customer square's list the ranking read per order, and candidates it handed out. */
  meanRead: number;
  meanTaken: number;
  /** Square lists cached at the end, and their entries. */
  squareLists: { lists: number; entries: number };
}

/**
 * planRoute + decideInMemory against a brute-force scan of every site, on one thread, in
 * the same run; then the same sample through both to count disagreements (must be none).
 */
export function runRoutingBench(
  city: City,
  options: { budgetMs: number; bruteOrders: number; log: (line: string) => void },
): RoutingBenchResult {
  const { log } = options;
  const now = ROUTING_NOW;
  const machineBefore = machineCpuSeconds();
  const selfBefore = process.cpuUsage();
  const built = performance.now();
  const index = buildSiteIndex(city);
  const view = buildStockView(city);
  const stock = oracleStock(city);
  const buildMs = performance.now() - built;
  log(`index, stock view and the oracle's stock built in ${(buildMs / 1000).toFixed(1)} s`);

  const route = (order: CityOrder): Decision =>
    decideInMemory(planRoute(index, requestOf(order), now), view, order.items);

  let sink = 0;
  timeBoxed([...city.orders].reverse(), (order) => (sink += route(order).ok ? 1 : 0), {
    budgetMs: WARMUP_MS,
  });
  const outcomes: Record<string, number> = {};
  let firstPass = true;
  const matchesTimed = timeBoxed(
    city.orders,
    (order, i) => {
      const decision = route(order);
      if (firstPass) {
        const key = decision.ok ? 'routed' : decision.reason;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (i === city.orders.length - 1) firstPass = false;
      }
    },
    { budgetMs: options.budgetMs, passes: 3 },
  );
  const matches = { ...matchesTimed, perSecond: perSecond(matchesTimed) };
  log(
    `planRoute + decideInMemory: ${Math.round(matches.medianPerSecond)} orders/s (median of chunks) over ${matches.count}`,
  );

  const { steps, meanInCircle, meanRead, meanTaken } = timeSteps(
    spread(city.orders, STEP_SAMPLE),
    index,
    view,
    now,
  );
  const sample = spread(city.orders, options.bruteOrders);

  timeBoxed(sample.slice(0, 50), (order) => bruteForceRoute(city.sites, stock, order, now, DEFAULT_CIRCLE), {
    budgetMs: WARMUP_MS,
  });
  const bruteChoices: string[] = [];
  const bruteTimed = timeBoxed(
    sample,
    (order) => bruteChoices.push(choiceOf(bruteForceRoute(city.sites, stock, order, now, DEFAULT_CIRCLE))),
    { budgetMs: Number.POSITIVE_INFINITY, chunk: 128 },
  );
  const brute = { ...bruteTimed, perSecond: perSecond(bruteTimed) };
  log(`brute force: ${brute.medianPerSecond.toFixed(1)} orders/s (median of chunks) over ${brute.count}`);

  const mismatchExamples: string[] = [];
  let mismatches = 0;
  sample.forEach((order, i) => {
    const indexed = choiceOf(route(order));
    if (indexed === bruteChoices[i]) return;
    mismatches += 1;
    if (mismatchExamples.length < 10)
      mismatchExamples.push(`${order.externalId}: index ${indexed}, brute force ${bruteChoices[i]}`);
  });
  if (sink < 0) log('unreachable');
  const machineAfter = machineCpuSeconds();
  const selfUsage = process.cpuUsage(selfBefore);
  const othersBusy =
    machineBefore && machineAfter
      ? Math.max(
          0,
          (machineAfter.busy - machineBefore.busy - (selfUsage.user + selfUsage.system) / 1e6) /
            (machineAfter.total - machineBefore.total),
        )
      : null;
  return {
    now: now.toISOString(),
    buildMs,
    matches,
    brute,
    ratio: brute.medianPerSecond > 0 ? matches.medianPerSecond / brute.medianPerSecond : 0,
    othersBusy,
    mismatches,
    mismatchExamples,
    outcomes,
    steps,
    meanInCircle,
    meanRead,
    meanTaken,
    squareLists: index.cacheStats(),
  };
}

function requestOf(order: CityOrder): RoutingRequest {
  return { point: order.customer, maxWalkMinutes: order.maxWalkMinutes, items: order.items };
}

/**
 * Where the time of one match goes, over the same sample: the plan alone (the customer
 * square's list, found in the cache, and the check that some store is in the circle), the
 * plan and its first candidate (the incremental nearest-neighbour walk up to the nearest
 * eligible store), then decideInMemory on plans made outside the clock (the walk as far as
 * the first store with room and stock, or to the end of the circle). Then, untimed, how many
 * stores are in the circle, how many list entries the walk read and how many it handed out.
 */
function timeSteps(
  orders: CityOrder[],
  index: ReturnType<typeof buildSiteIndex>,
  view: ReturnType<typeof buildStockView>,
  now: Date,
): { steps: StepTiming[]; meanInCircle: number; meanRead: number; meanTaken: number } {
  const requests = orders.map(requestOf);
  const plan = timeBoxed(requests, (request) => planRoute(index, request, now), { budgetMs: STEP_BUDGET_MS });
  const first = timeBoxed(
    requests,
    (request) => {
      const made = planRoute(index, request, now);
      if (made.ok) made.ranked.next();
    },
    { budgetMs: STEP_BUDGET_MS },
  );
  const plans: Plan[] = requests.map((request) => planRoute(index, request, now));
  const decide = timeBoxed(plans, (made, i) => decideInMemory(made, view, orders[i]!.items), {
    budgetMs: STEP_BUDGET_MS,
  });
  const micros = (timed: Timed) => (timed.count ? (timed.ms * 1000) / timed.count : 0);
  const steps = [
    {
      step: 'planRoute (square list, some store in the circle?)',
      orders: plan.count,
      microsPerOrder: micros(plan),
    },
    { step: 'planRoute + first candidate', orders: first.count, microsPerOrder: micros(first) },
    {
      step: 'decideInMemory (nearest-first walk, eligibility, capacity, stock)',
      orders: decide.count,
      microsPerOrder: micros(decide),
    },
  ];
  let inCircle = 0;
  let read = 0;
  let taken = 0;
  for (const request of requests) {
    inCircle += index.within(request.point, request.maxWalkMinutes, request.serviceType).length;
    const made = planRoute(index, request, now);
    if (!made.ok) continue;
    decideInMemory(made, view, request.items);
    taken += made.ranked.taken;
    read += 'read' in made.ranked ? (made.ranked.read as number) : 0;
  }
  const count = Math.max(requests.length, 1);
  return { steps, meanInCircle: inCircle / count, meanRead: read / count, meanTaken: taken / count };
}
